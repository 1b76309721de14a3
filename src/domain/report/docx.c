/*
 * docx.c — writes a resolved report as a 公文-format DOCX (docx.h).
 *
 * Every part is built in a zx_buf from fixed XML and escaped text, then zipped in memory.
 * Element order follows the WordprocessingML schema (pPr: pStyle … spacing, ind, jc,
 * outlineLvl; rPr: rFonts, b, kern, sz, szCs, lang; sectPr: footerReference, pgSz, pgMar,
 * cols, docGrid), which Word checks and LibreOffice tolerates.
 *
 * Invariants: text reaches XML only through xml_text(), which escapes markup characters and
 * drops bytes that are not valid UTF-8 or not XML characters; parts stay alive until
 * zip_close() has read them.
 */
#include "domain/report/docx.h"

#include <stdint.h>
#include <string.h>
#include <zip.h>

#define PART_MAX (8u * 1024 * 1024)
#define FIXED_MTIME ((time_t)1577836800) /* 2020-01-01: deterministic archives */

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define CT_BASE "application/vnd.openxmlformats-officedocument.wordprocessingml."
#define REL_BASE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

/* Fonts (GB/T 9704) and sizes in half-points. */
#define FONT_BODY "仿宋_GB2312"
#define FONT_TITLE "方正小标宋简体"
#define FONT_H1 "黑体"
#define FONT_H2 "楷体_GB2312"
#define FONT_PAGE "宋体"
#define SZ_BODY 32  /* 三号 16 pt */
#define SZ_TITLE 44 /* 二号 22 pt */
#define SZ_PAGE 28  /* 四号 14 pt */

/* ---- XML text ---------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (0 if invalid), its code point in *cp. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
	             : s[0] >= 0xe0               ? (s[0] < 0xf0 ? 3 : 0)
	             : s[0] >= 0xc2               ? 2
	                                          : 0;
	if (len == 0 || len > n)
		return 0;
	uint32_t c = s[0] & (0xff >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static zx_err xml_text(zx_buf *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	zx_err e = ZX_OK;
	for (size_t i = 0; !e && i < n;) {
		uint32_t cp;
		size_t k = utf8_seq(s + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		bool ok = cp == 0x9 || cp >= 0x20;
		if (cp == 0xfffe || cp == 0xffff)
			ok = false;
		if (!ok)
			;
		else if (cp == '&')
			e = zx_buf_adds(b, "&amp;");
		else if (cp == '<')
			e = zx_buf_adds(b, "&lt;");
		else if (cp == '>')
			e = zx_buf_adds(b, "&gt;");
		else if (cp == '"')
			e = zx_buf_adds(b, "&quot;");
		else
			e = zx_buf_add(b, s + i, k);
		i += k;
	}
	return e;
}

/* ---- fixed parts --------------------------------------------------------------------------- */

static const char content_types[] =
    XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
             "<Default Extension=\"rels\" "
             "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
             "<Override PartName=\"/word/document.xml\" ContentType=\"" CT_BASE "document.main+xml\"/>"
             "<Override PartName=\"/word/styles.xml\" ContentType=\"" CT_BASE "styles+xml\"/>"
             "<Override PartName=\"/word/settings.xml\" ContentType=\"" CT_BASE "settings+xml\"/>"
             "<Override PartName=\"/word/fontTable.xml\" ContentType=\"" CT_BASE "fontTable+xml\"/>"
             "<Override PartName=\"/word/footer1.xml\" ContentType=\"" CT_BASE "footer+xml\"/>"
             "<Override PartName=\"/word/footer2.xml\" ContentType=\"" CT_BASE "footer+xml\"/>"
             "<Override PartName=\"/docProps/core.xml\" "
             "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
             "<Override PartName=\"/docProps/app.xml\" "
             "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
             "</Types>";

static const char package_rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_BASE "officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
    "Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" REL_BASE "extended-properties\" Target=\"docProps/app.xml\"/>"
    "</Relationships>";

static const char document_rels[] =
    XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
             "<Relationship Id=\"rId1\" Type=\"" REL_BASE "styles\" Target=\"styles.xml\"/>"
             "<Relationship Id=\"rId2\" Type=\"" REL_BASE "settings\" Target=\"settings.xml\"/>"
             "<Relationship Id=\"rId3\" Type=\"" REL_BASE "fontTable\" Target=\"fontTable.xml\"/>"
             "<Relationship Id=\"rId4\" Type=\"" REL_BASE "footer\" Target=\"footer1.xml\"/>"
             "<Relationship Id=\"rId5\" Type=\"" REL_BASE "footer\" Target=\"footer2.xml\"/>"
             "</Relationships>";

static const char app_xml[] = XML_DECL
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
    "<Application>zhenxing</Application></Properties>";

static const char settings_xml[] =
    XML_DECL "<w:settings xmlns:w=\"" NS_W "\"><w:zoom w:percent=\"100\"/>"
             "<w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/>"
             "<w:characterSpacingControl w:val=\"compressPunctuation\"/>"
             "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
             "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
             "</w:settings>";

/* altName lets Word and LibreOffice fall back to the usual system names of each face. */
#define FONT(name, alt, family, pitch)                                                                       \
	"<w:font w:name=\"" name "\"><w:altName w:val=\"" alt "\"/><w:charset w:val=\"86\"/>"                \
	"<w:family w:val=\"" family "\"/><w:pitch w:val=\"" pitch "\"/></w:font>"

static const char font_table[] =
    XML_DECL "<w:fonts xmlns:w=\"" NS_W "\">" FONT(FONT_BODY, "仿宋", "modern", "fixed")
        FONT(FONT_TITLE, "宋体", "script", "variable") FONT(FONT_H1, "SimHei", "modern", "fixed")
            FONT(FONT_H2, "楷体", "modern", "fixed")
                FONT(FONT_PAGE, "SimSun", "auto", "variable") "</w:fonts>";

#define RFONTS(f) "<w:rFonts w:ascii=\"" f "\" w:eastAsia=\"" f "\" w:hAnsi=\"" f "\" w:cs=\"" f "\"/>"
#define SIZE(hp) "<w:sz w:val=\"" #hp "\"/><w:szCs w:val=\"" #hp "\"/>"
#define NOBOLD "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/>"
#define SPACING "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"579\" w:lineRule=\"exact\"/>"
#define INDENT2 "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/>"
#define NOINDENT "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>"

static const char styles_xml[] = XML_DECL
    "<w:styles xmlns:w=\"" NS_W "\">"
    "<w:docDefaults><w:rPrDefault><w:rPr>" RFONTS(FONT_BODY) "<w:kern w:val=\"2\"/>" SIZE(
        32) "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
            "<w:pPrDefault><w:pPr>" SPACING "<w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
            "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
            "<w:qFormat/><w:pPr><w:widowControl w:val=\"0\"/>" SPACING INDENT2
            "<w:jc w:val=\"both\"/></w:pPr><w:rPr>" RFONTS(FONT_BODY) NOBOLD SIZE(
                32) "</w:rPr></w:style>"
                    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
                    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr>" NOINDENT
                    "<w:jc w:val=\"center\"/></w:pPr><w:rPr>" RFONTS(FONT_TITLE) NOBOLD SIZE(
                        44) "</w:rPr></w:style>"
                            "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading "
                            "1\"/>"
                            "<w:basedOn w:val=\"Normal\"/><w:next "
                            "w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
                            "<w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" RFONTS(FONT_H1) NOBOLD SIZE(
                                32) "</w:rPr></w:style>"
                                    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name "
                                    "w:val=\"heading 2\"/>"
                                    "<w:basedOn w:val=\"Normal\"/><w:next "
                                    "w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
                                    "<w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr>" RFONTS(FONT_H2)
                                        NOBOLD SIZE(32) "</w:rPr></w:style>"
                                                        "<w:style w:type=\"paragraph\" "
                                                        "w:styleId=\"Footer\"><w:name w:val=\"footer\"/>"
                                                        "<w:basedOn w:val=\"Normal\"/><w:pPr>"
                                                        "<w:spacing w:before=\"0\" w:after=\"0\" "
                                                        "w:line=\"240\" w:lineRule=\"auto\"/>" NOINDENT
                                                        "</w:pPr><w:rPr>" RFONTS(FONT_PAGE)
                                                            SIZE(28) "</w:rPr></w:style>"
                                                                     "</w:styles>";

/* Page number "— N —": odd pages at the right, even pages at the left, one body character
 * (三号, 320 twips) in from the edge of the text. */
#define PAGE_RUN(t) "<w:r><w:rPr>" RFONTS(FONT_PAGE) SIZE(28) "</w:rPr>" t "</w:r>"
#define FOOTER(jc, ind)                                                                                      \
	XML_DECL "<w:ftr xmlns:w=\"" NS_W "\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>" ind                  \
	         "<w:jc w:val=\"" jc "\"/></w:pPr>" PAGE_RUN("<w:t xml:space=\"preserve\">— </w:t>")         \
	             PAGE_RUN("<w:fldChar w:fldCharType=\"begin\"/>")                                        \
	                 PAGE_RUN("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>")                \
	                     PAGE_RUN("<w:fldChar w:fldCharType=\"separate\"/>") PAGE_RUN("<w:t>1</w:t>")    \
	                         PAGE_RUN("<w:fldChar w:fldCharType=\"end\"/>")                              \
	                             PAGE_RUN("<w:t xml:space=\"preserve\"> —</w:t>") "</w:p></w:ftr>"

static const char footer_odd[] = FOOTER("right", "<w:ind w:right=\"320\" w:firstLine=\"0\"/>");
static const char footer_even[] = FOOTER("left", "<w:ind w:left=\"320\" w:firstLine=\"0\"/>");

/* ---- generated parts ------------------------------------------------------------------------ */

static const char *style_of(zx_rblock_kind k)
{
	return k == ZX_RB_TITLE ? "Title" : k == ZX_RB_H1 ? "Heading1" : k == ZX_RB_H2 ? "Heading2" : NULL;
}

/* w:charSpace: the grid pitch against the body font, in 1/4096 pt (negative = tighter). */
static long char_space(void)
{
	long text_w = ZX_DOCX_PAGE_W - ZX_DOCX_MARGIN_LEFT - ZX_DOCX_MARGIN_RIGHT; /* twips */
	double pitch_pt = (double)text_w / ZX_DOCX_CHARS_PER_LINE / 20.0;
	double delta = (pitch_pt - SZ_BODY / 2.0) * 4096.0;
	return (long)(delta < 0 ? delta - 0.5 : delta + 0.5);
}

static zx_err paragraph(zx_buf *b, const zx_rblock *blk)
{
	const char *style = style_of(blk->kind);
	zx_err e = zx_buf_adds(b, "<w:p>");
	if (!e && style)
		e = zx_buf_addf(b, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
	for (size_t i = 0; !e && i < blk->nruns; i++) {
		e = zx_buf_adds(b, "<w:r><w:t xml:space=\"preserve\">");
		if (!e)
			e = xml_text(b, blk->runs[i].text);
		if (!e)
			e = zx_buf_adds(b, "</w:t></w:r>");
	}
	if (!e)
		e = zx_buf_adds(b, "</w:p>");
	/* One empty line between the title and what follows (GB/T 9704 7.3.3). */
	if (!e && blk->kind == ZX_RB_TITLE)
		e = zx_buf_adds(b, "<w:p/>");
	return e;
}

static zx_err document_xml(const zx_rdoc *d, zx_buf *b)
{
	zx_err e = zx_buf_adds(b, XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
	for (size_t i = 0; !e && i < d->nblocks; i++)
		e = paragraph(b, &d->blocks[i]);
	if (!e)
		e = zx_buf_addf(b,
		                "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/>"
		                "<w:footerReference w:type=\"even\" r:id=\"rId5\"/>"
		                "<w:pgSz w:w=\"%d\" w:h=\"%d\"/>"
		                "<w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\" "
		                "w:header=\"851\" w:footer=\"1304\" w:gutter=\"0\"/>"
		                "<w:cols w:space=\"425\"/>"
		                "<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"%d\" w:charSpace=\"%ld\"/>"
		                "</w:sectPr></w:body></w:document>",
		                ZX_DOCX_PAGE_W, ZX_DOCX_PAGE_H, ZX_DOCX_MARGIN_TOP, ZX_DOCX_MARGIN_RIGHT,
		                ZX_DOCX_MARGIN_BOTTOM, ZX_DOCX_MARGIN_LEFT, ZX_DOCX_LINE_PITCH, char_space());
	return e;
}

static zx_err core_xml(const zx_rdoc *d, const zx_docx_meta *meta, zx_buf *b)
{
	const char *title = meta && meta->title ? meta->title : NULL;
	for (size_t i = 0; !title && i < d->nblocks; i++)
		if (d->blocks[i].kind == ZX_RB_TITLE)
			title = zx_rblock_text(d, &d->blocks[i]);
	zx_err e =
	    zx_buf_adds(b, XML_DECL "<cp:coreProperties "
	                            "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
	                            "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	                            "<dc:title>");
	if (!e)
		e = xml_text(b, title ? title : "");
	if (!e)
		e = zx_buf_adds(b, "</dc:title><dc:creator>");
	if (!e)
		e = xml_text(b, meta && meta->creator ? meta->creator : "");
	if (!e)
		e = zx_buf_adds(b, "</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>");
	return e;
}

/* ---- the package ------------------------------------------------------------------------------ */

static zx_err add_part(zip_t *za, const char *name, const void *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(za, data, len, 0);
	if (!s)
		return ZX_ENOMEM;
	zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(s);
		return ZX_EINTERNAL;
	}
	zip_file_set_mtime(za, (zip_uint64_t)idx, FIXED_MTIME, 0);
	return ZX_OK;
}

/* zip_close() has written the archive into src; appends its bytes to out. */
static zx_err copy_out(zip_source_t *src, zx_buf *out)
{
	if (zip_source_open(src) < 0)
		return ZX_EINTERNAL;
	zx_err e = ZX_OK;
	char chunk[16384];
	zip_int64_t n;
	while (!e && (n = zip_source_read(src, chunk, sizeof chunk)) > 0)
		e = zx_buf_add(out, chunk, (size_t)n);
	if (!e && n < 0)
		e = ZX_EINTERNAL;
	zip_source_close(src);
	return e;
}

zx_err zx_docx_write(const zx_rdoc *d, const zx_docx_meta *meta, zx_buf *out, zx_errinfo *ei)
{
	zx_buf doc = ZX_BUF_INIT(PART_MAX), core = ZX_BUF_INIT(64 * 1024);
	zx_err e = document_xml(d, &doc);
	if (!e)
		e = core_xml(d, meta, &core);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = e ? NULL : zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!e && !za)
		e = ZX_ENOMEM;
	if (za) {
		zip_source_keep(src);
		struct {
			const char *name;
			const char *data;
			size_t len;
		} parts[] = {
		    {"[Content_Types].xml", content_types, sizeof content_types - 1},
		    {"_rels/.rels", package_rels, sizeof package_rels - 1},
		    {"docProps/core.xml", zx_buf_str(&core), core.len},
		    {"docProps/app.xml", app_xml, sizeof app_xml - 1},
		    {"word/document.xml", zx_buf_str(&doc), doc.len},
		    {"word/styles.xml", styles_xml, sizeof styles_xml - 1},
		    {"word/settings.xml", settings_xml, sizeof settings_xml - 1},
		    {"word/fontTable.xml", font_table, sizeof font_table - 1},
		    {"word/footer1.xml", footer_odd, sizeof footer_odd - 1},
		    {"word/footer2.xml", footer_even, sizeof footer_even - 1},
		    {"word/_rels/document.xml.rels", document_rels, sizeof document_rels - 1},
		};
		for (size_t i = 0; !e && i < sizeof parts / sizeof parts[0]; i++)
			e = add_part(za, parts[i].name, parts[i].data, parts[i].len);
		if (!e && zip_close(za) < 0)
			e = ZX_EINTERNAL;
		if (e)
			zip_discard(za);
		if (!e)
			e = copy_out(src, out);
	}
	if (src)
		zip_source_free(src);
	zx_buf_release(&doc);
	zx_buf_release(&core);
	if (e == ZX_ETOOBIG)
		return zx_fail(ei, e, "report_too_big", NULL, 0, "汇报文档过大，无法生成");
	if (e)
		return zx_fail(ei, e, "docx_failed", NULL, 0, "生成 DOCX 文档失败");
	return ZX_OK;
}
