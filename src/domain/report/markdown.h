/*
 * markdown.h — a resolved report (template.h) as Markdown: "# " title, "## " level-1 and
 * "### " level-2 headings, one paragraph per block, figures as their formatted text. The
 * output is the template with its figures filled in, so it reads back as a template whose
 * placeholders have been replaced. Characters that would start Markdown syntax at the
 * beginning of a paragraph are escaped.
 */
#ifndef ZX_REPORT_MARKDOWN_H
#define ZX_REPORT_MARKDOWN_H

#include "base/buf.h"
#include "domain/report/template.h"

zx_err zx_md_write(const zx_rdoc *d, zx_buf *out);

#endif
