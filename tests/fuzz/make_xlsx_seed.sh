#!/usr/bin/env bash
# Writes the XLSX seeds of tests/fuzz/corpus/xlsx/: tiny workbooks of hand-written
# XML covering what xlsx_read.c handles (shared strings with rich text and
# phonetic runs, inline strings, formulas, booleans, errors, date styles, numbers
# that lose digits, missing cells, prefixed namespaces, a hidden first sheet).
# Parts are stored uncompressed so the fuzzer's mutations land in the XML; one seed
# is deflated to keep the inflate path covered. Re-run after changing the reader.
set -euo pipefail
cd "$(dirname "$0")/corpus/xlsx"
python3 - <<'PY'
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
PKG_RELS = (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
WB_RELS = (f'<Relationships xmlns="{PKG}">'
           f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
           f'<Relationship Id="rId2" Type="{REL}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
           f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
           f'<Relationship Id="rId4" Type="{REL}/styles" Target="./styles.xml"/></Relationships>')
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" '
          'formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" '
          'formatCode="[h]:mm;@"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/>'
          '<xf numFmtId="164"/><xf numFmtId="22"/><xf numFmtId="165"/></cellXfs></styleSheet>')
SST = (f'<sst xmlns="{MAIN}" count="4" uniqueCount="4"><si><t>姓名</t></si><si><t>证件号码</t></si>'
       '<si><r><rPr><b/></rPr><t>脱贫</t></r><r><t xml:space="preserve">户 </t></r>'
       '<rPh sb="0" eb="1"><t>tuo</t></rPh></si><si><t>a_x000D_b</t></si></sst>')
SHEET = (f'<worksheet xmlns="{MAIN}"><dimension ref="A1:F5"/><sheetData>'
         '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
         '<row r="2"><c r="A2" t="inlineStr"><is><t>張三</t></is></c><c r="B2"><v>5.1072219800101101E+17</v></c>'
         '<c r="C2" s="1"><v>43835</v></c><c r="D2" s="3"><v>43835.5</v></c><c r="F2" t="b"><v>1</v></c></row>'
         '<row r="4"><c r="A4" t="str"><f>A2</f><v>李四</v></c><c r="B4"><v>510722198001011</v></c>'
         '<c r="C4" s="2"><v>60</v></c><c r="D4" t="e"><v>#N/A</v></c><c r="E4" s="4"><v>0.25</v></c></row>'
         '<row r="5"><c r="A5" t="s"><v>3</v></c><c><v>-1.5E-3</v></c><c t="d"><v>2021-03-04T00:00:00</v></c></row>'
         '</sheetData></worksheet>')
HIDDEN = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c t="inlineStr"><is><t>隐藏</t></is></c></row></sheetData></worksheet>'


def workbook(prefix=""):
    p = prefix + ":" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (f'<{p}workbook {ns} xmlns:r="{REL}"><{p}workbookPr date1904="0"/><{p}sheets>'
            f'<{p}sheet name="说明" sheetId="2" state="hidden" r:id="rId2"/>'
            f'<{p}sheet name="户" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>')


def write(name, parts, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(name, "w", method) as z:
        for part, body in parts:
            z.writestr(zipfile.ZipInfo(part, (2020, 1, 1, 0, 0, 0)), body, compress_type=method)


base = [("[Content_Types].xml", CT), ("_rels/.rels", PKG_RELS), ("xl/workbook.xml", workbook()),
        ("xl/_rels/workbook.xml.rels", WB_RELS), ("xl/worksheets/sheet1.xml", SHEET),
        ("xl/worksheets/sheet2.xml", HIDDEN), ("xl/sharedStrings.xml", SST), ("xl/styles.xml", STYLES)]
write("households_stored.xlsx", base)
write("households_deflated.xlsx", base, zipfile.ZIP_DEFLATED)

prefixed = [(n, b.replace(f'<worksheet xmlns="{MAIN}"', f'<x:worksheet xmlns:x="{MAIN}"')) for n, b in base]
prefixed = [(n, workbook("x")) if n == "xl/workbook.xml" else (n, b) for n, b in prefixed]
sheet = SHEET.replace("<", "<x:").replace("<x:/", "</x:").replace(f'<x:worksheet xmlns="{MAIN}"',
                                                                  f'<x:worksheet xmlns:x="{MAIN}"')
prefixed = [(n, sheet) if n == "xl/worksheets/sheet1.xml" else (n, b) for n, b in prefixed]
write("prefixed_ns_stored.xlsx", prefixed)

minimal = [("xl/workbook.xml", f'<workbook xmlns="{MAIN}"><sheets/></workbook>'),
           ("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>')]
write("minimal_stored.xlsx", minimal)
PY
ls -la
