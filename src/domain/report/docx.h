/*
 * docx.h — a resolved report (template.h) as a DOCX file in 公文 format (GB/T 9704-2012):
 *
 *   page      A4 11906×16838 twips; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
 *   grid      22 lines × 28 characters (docGrid linesAndChars, line pitch 28.95 pt)
 *   title     方正小标宋简体 二号 (22 pt), centred, followed by one empty line
 *   level 1   黑体 三号 (16 pt), first line indented two characters
 *   level 2   楷体_GB2312 三号
 *   body      仿宋_GB2312 三号, first line indented two characters, exact 28.95 pt spacing
 *   footer    page number "— N —" in 宋体 四号 (14 pt): odd pages right, even pages left,
 *             one character from the edge of the text (evenAndOddHeaders)
 *
 * The package is WordprocessingML written here and zipped with libzip in memory:
 * [Content_Types].xml, _rels/.rels, docProps/core.xml + app.xml, word/document.xml,
 * word/styles.xml, word/settings.xml, word/fontTable.xml, word/footer1.xml (odd),
 * word/footer2.xml (even), word/_rels/document.xml.rels. Entries carry a fixed timestamp,
 * so the same document always gives the same bytes. Text is XML-escaped; characters XML
 * cannot carry are dropped.
 */
#ifndef ZX_REPORT_DOCX_H
#define ZX_REPORT_DOCX_H

#include "base/buf.h"
#include "domain/report/template.h"

/* Page geometry in twips (1/1440 inch), rounded from millimetres. */
#define ZX_DOCX_PAGE_W 11906
#define ZX_DOCX_PAGE_H 16838
#define ZX_DOCX_MARGIN_TOP 2098    /* 37 mm */
#define ZX_DOCX_MARGIN_BOTTOM 1984 /* 35 mm */
#define ZX_DOCX_MARGIN_LEFT 1587   /* 28 mm */
#define ZX_DOCX_MARGIN_RIGHT 1474  /* 26 mm */
#define ZX_DOCX_LINE_PITCH 579     /* 28.95 pt: 22 lines in the 225 mm text height */
#define ZX_DOCX_CHARS_PER_LINE 28

typedef struct zx_docx_meta {
	const char *title;   /* docProps (defaults to the first title block) */
	const char *creator; /* "" allowed */
} zx_docx_meta;

/* Appends the .docx bytes to out (capped by out's max). */
zx_err zx_docx_write(const zx_rdoc *d, const zx_docx_meta *meta, zx_buf *out, zx_errinfo *ei);

#endif
