#!/usr/bin/env python3
"""Writes the household-import test files of tests/data/import/ (run it after changing a case).

Every file is a small national-template CSV of 三台县 (510722) with valid, synthetic 证件号码
(check characters computed here). good.csv imports cleanly; each bad_*.csv breaks exactly one
rule, and EXPECT below (also written to expect.tsv) names the row and column the importer must
report. tests/unit/test_import.c reads the files; the XLSX and GB18030 variants are derived
from good.csv.
"""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = ["户编号", "行政区划代码", "组", "姓名", "证件号码", "与户主关系", "性别", "民族", "文化程度",
          "在校生情况", "健康状况", "残疾等级", "劳动技能", "务工状况", "务工时间(月)", "医保参保", "户类型",
          "监测对象类别", "脱贫年度", "联系电话", "住房安全", "饮水安全", "风险类型", "帮扶责任人"]
V1, V2, V3 = "510722101002", "510722101003", "510722104003"  # 潼川镇 ×2, 塔山镇


def check_char(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * x for c, x in zip(first17, w)) % 11]


def ident(birth, seq, male):
    """A valid ID of 三台县: birth YYYYMMDD, seq 1..99 (odd last digit for men)."""
    s = f"510722{birth}{seq:02d}{1 if male else 2}"
    return s + check_char(s)


def person(hh, village, name, idn, rel, sex, head, hh_type="一般农户", category="", year="", phone="",
           housing="是", water="是", risk="", helper="", group="1组", health="健康", disability=""):
    row = dict(zip(HEADER, [""] * len(HEADER)))
    row.update({"户编号": hh, "行政区划代码": village, "组": group, "姓名": name, "证件号码": idn,
                "与户主关系": rel, "性别": sex, "民族": "汉族", "文化程度": "初中", "在校生情况": "非在校生",
                "健康状况": health, "残疾等级": disability, "劳动技能": "普通劳动力", "务工状况": "省外务工",
                "务工时间(月)": "6", "医保参保": "是", "户类型": hh_type, "监测对象类别": category,
                "脱贫年度": year, "联系电话": phone})
    if head:
        row.update({"住房安全": housing, "饮水安全": water, "风险类型": risk, "帮扶责任人": helper})
    return row


def good_rows():
    return [
        person(V1 + "0001", V1, "张光永", ident("19850317", 18, True), "户主", "男", True, phone="15540556978"),
        person(V1 + "0001", V1, "尹莲兰", ident("19890518", 42, False), "配偶", "女", False),
        person(V1 + "0001", V1, "张小明", ident("20120601", 11, True), "之子", "男", False),
        person(V1 + "0002", V1, "李秀英", ident("19560203", 22, False), "户主", "女", True, hh_type="脱贫户",
               category="脱贫不稳定户", year="2016", phone="13812345678", risk="因病", helper="王建国"),
        person(V1 + "0002", V1, "李强", ident("19800815", 31, True), "之子", "男", False, hh_type="脱贫户",
               category="脱贫不稳定户", year="2016"),
        person(V2 + "0001", V2, "陈国华", ident("19700101", 51, True), "户主", "男", True, phone="0816-5551234",
               group="3组"),
        person(V2 + "0001", V2, "刘芳", ident("19720909", 62, False), "配偶", "女", False, group="3组",
               health="残疾", disability="二级"),
    ]


def write_csv(name, rows, header=HEADER, encoding="utf-8"):
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join(r.get(h, "") for h in header))
    with open(os.path.join(HERE, name), "w", encoding=encoding, newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")


def modified(fn):
    rows = good_rows()
    fn(rows)
    return rows


# name -> (row, column, reason substring, import area or "", file imported before or "")
CASES = {}


def case(name, rows, row, column, reason, area="", header=HEADER, first=""):
    CASES[name] = (row, column, reason, area, first)
    write_csv(name, rows, header)


def run():
    write_csv("good.csv", good_rows())
    write_csv("good_gb18030.csv", good_rows(), encoding="gb18030")
    case("bad_check_digit.csv", modified(lambda r: r[1].update({"证件号码": r[1]["证件号码"][:17] +
                                                               ("0" if r[1]["证件号码"][17] != "0" else "1")})),
         3, "证件号码", "校验位")
    fut = "20990101"
    case("bad_future_birth.csv", modified(lambda r: r[2].update({"证件号码": ident(fut, 11, True)})),
         4, "证件号码", "晚于今天")
    case("bad_gender.csv", modified(lambda r: r[1].update({"性别": "男"})), 3, "性别", "不符")
    case("bad_unknown_village.csv", modified(lambda r: [x.update({"行政区划代码": "510722101999"})
                                                        for x in r[5:7]]), 7, "行政区划代码", "不是本县")
    case("bad_village_outside_area.csv", modified(lambda r: [x.update({"户编号": V3 + "0001", "行政区划代码": V3})
                                                             for x in r[5:7]]),
         7, "行政区划代码", "不在本次导入区域", area="510722101000")
    case("bad_two_heads.csv", modified(lambda r: r[1].update({"与户主关系": "户主"})), 3, "与户主关系", "已有户主")
    case("bad_no_head.csv", modified(lambda r: r[5].update({"与户主关系": "之兄弟姐妹"})), 7, "与户主关系",
         "没有户主")
    case("bad_unstable_not_tuopin.csv", modified(lambda r: [x.update({"户类型": "一般农户", "脱贫年度": ""})
                                                            for x in r[3:5]]),
         5, "监测对象类别", "脱贫不稳定户只能是脱贫户")
    case("bad_phone.csv", modified(lambda r: r[0].update({"联系电话": "1554055697"})), 2, "联系电话", "格式")
    case("bad_duplicate_id.csv", modified(lambda r: r[6].update({"证件号码": r[1]["证件号码"], "性别": "女"})),
         8, "证件号码", "第3行")
    case("bad_household_conflict.csv", modified(lambda r: r[1].update({"住房安全": "否"})), 3, "住房安全",
         "户主行")
    case("bad_enum.csv", modified(lambda r: r[2].update({"文化程度": "博士"})), 4, "文化程度", "不是有效的")
    missing = [h for h in HEADER if h != "证件号码"]
    case("bad_missing_column.csv", good_rows(), 1, "", "证件号码", header=missing)
    write_csv("unknown_column.csv", good_rows(), header=HEADER + ["备注"])
    # Imported after good.csv: 张光永 (household 5107221010020001) again, in a new household.
    same = good_rows()[0]
    same.update({"户编号": V2 + "0009", "行政区划代码": V2})
    case("bad_registered_elsewhere.csv", [same], 2, "证件号码", "5107221010020001", first="good.csv")
    with open(os.path.join(HERE, "expect.tsv"), "w", encoding="utf-8") as f:
        f.write("# file\trow\tcolumn\treason contains\timport area\timported first\n")
        for name, (row, col, reason, area, first) in CASES.items():
            f.write(f"{name}\t{row}\t{col}\t{reason}\t{area}\t{first}\n")
    write_xlsx()
    write_xlsx("good.xlsx", id_as_number=False)


def write_xlsx(name="bad_id_as_number.xlsx", id_as_number=True):
    """good.csv as XLSX (inline strings). With id_as_number the 证件号码 of the second person is
    a number, as Excel keeps a pasted 18-digit ID: the importer must refuse it and name row 3,
    证件号码."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    rows = [HEADER] + [[r[h] for h in HEADER] for r in good_rows()]
    xml = [f'<worksheet xmlns="{main}"><sheetData>']
    for i, r in enumerate(rows, 1):
        xml.append(f'<row r="{i}">')
        for j, v in enumerate(r):
            if not v:
                continue
            col = chr(ord("A") + j)
            if id_as_number and i == 3 and HEADER[j] == "证件号码":
                xml.append(f'<c r="{col}{i}"><v>{float(v):.15E}</v></c>')
            else:
                xml.append(f'<c r="{col}{i}" t="inlineStr"><is><t>{v}</t></is></c>')
        xml.append("</row>")
    xml.append("</sheetData></worksheet>")
    parts = [
        ("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
         'openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
         '</Types>'),
        ("_rels/.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="家庭成员" sheetId="1" '
         'r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
         f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", "".join(xml)),
    ]
    with zipfile.ZipFile(os.path.join(HERE, name), "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts:
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), body, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    run()
