// #/report/<id> — one 工作汇报 draft: the narrative in the template language on the left
// (# 标题, ## 一级标题, ### 二级标题, paragraphs, {{数据项}}), a live preview on the right in
// which every figure is highlighted and shows, on hover, its label, definition, source
// query and as-of date. "插入数据项" lists the figure registry with the current values and
// inserts the placeholder at the cursor, so the figure stays linked to the data. Saves name
// the version edited (a concurrent save is refused); downloads as 公文 DOCX or Markdown.
import { api, download } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import { hashParam } from '../assistance-ui.js';
import { useReportStyle } from '../report-ui.js';

const { ElMessage } = window.ElementPlus;
const PREVIEW_DELAY_MS = 400;

export default {
  name: 'ReportPage',
  template: `
  <div class="zx-page" data-testid="page-report">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        <el-button link @click="back" class="zx-back" title="返回"><el-icon :size="18"><ArrowLeft /></el-icon></el-button>
        <span>工作汇报</span>
        <span v-if="report" class="zx-page-title-sub">{{ report.area_name }} · {{ report.year }}年 · 第{{ report.version }}版</span>
      </h2>
      <div class="zx-toolbar" v-if="report">
        <el-button v-if="mayEdit" type="primary" :loading="saving" :disabled="!dirty" @click="save" data-testid="report-save">保存</el-button>
        <el-button @click="get('docx')" data-testid="report-download-docx"><el-icon><Download /></el-icon><span>下载 DOCX</span></el-button>
        <el-button @click="get('md')" data-testid="report-download-md">下载 Markdown</el-button>
      </div>
    </div>
    <el-empty v-if="missing" description="汇报不存在或不在您的管辖范围内"></el-empty>
    <div v-else-if="report" class="zx-report-grid">
      <el-card shadow="never" class="zx-card">
        <template #header><div class="zx-card-head"><span>正文</span>
          <el-select v-if="mayEdit" v-model="pick" filterable placeholder="插入数据项" size="small" class="zx-report-picker"
                     @change="insert" data-testid="report-insert">
            <el-option v-for="f in figures" :key="f.name" :value="f.name" :label="f.label + ' ' + f.name">
              <span>{{ f.label }}</span><span class="zx-muted zx-report-opt">{{ f.text || f.name }}</span>
            </el-option>
          </el-select></div></template>
        <el-input v-model="title" :disabled="!mayEdit" maxlength="100" placeholder="标题" class="zx-gap-b" data-testid="report-title"></el-input>
        <textarea ref="body" v-model="body" :disabled="!mayEdit" class="zx-report-text" spellcheck="false"
                  data-testid="report-body"></textarea>
        <div class="zx-muted zx-report-hint" v-pre>“# ”标题，“## ”一级标题（黑体），“### ”二级标题（楷体），空行分段；{{数据项}} 随数据更新。</div>
      </el-card>
      <el-card shadow="never" class="zx-card">
        <template #header><div class="zx-card-head"><span>预览</span>
          <span class="zx-muted" v-if="asOf">数据截至 {{ asOf }}</span></div></template>
        <el-alert v-if="error" type="error" show-icon :closable="false" :title="error" class="zx-gap-b" data-testid="report-error"></el-alert>
        <div class="zx-report-paper" data-testid="report-preview" @mouseleave="hover = null">
          <component v-for="(b, i) in blocks" :key="i" :is="tagOf(b.kind)" :class="'zx-rp-' + b.kind">
            <template v-for="(r, j) in b.runs" :key="j">
              <span v-if="r.figure" class="zx-rp-fig" :data-figure="r.figure" @mouseenter="show($event, r.figure)">{{ r.text }}</span>
              <template v-else>{{ r.text }}</template>
            </template>
          </component>
        </div>
      </el-card>
    </div>
    <div v-if="hover" class="zx-rp-card" :style="{ left: hover.x + 'px', top: hover.y + 'px' }" data-testid="figure-card">
      <div class="zx-rp-card-title">{{ hover.f.label }} <span class="zx-muted">{{ hover.name }}</span></div>
      <div class="zx-rp-card-value">{{ hover.f.text }}</div>
      <div>{{ hover.f.definition }}</div>
      <div class="zx-muted">来源查询：<span class="zx-mono">{{ hover.f.source }}</span></div>
      <div class="zx-muted">数据日期：{{ hover.f.as_of }}</div>
    </div>
  </div>`,
  data() {
    return {
      id: hashParam('/report'), report: null, missing: false, mayEdit: false,
      title: '', body: '', saved: { title: '', body: '' }, saving: false,
      blocks: [], figs: {}, error: '', asOf: '', hover: null, figures: [], pick: '', timer: 0, seq: 0,
    };
  },
  computed: {
    dirty() { return this.title !== this.saved.title || this.body !== this.saved.body; },
    narrow() { return store.narrow; },
  },
  watch: {
    title() { this.schedule(); },
    body() { this.schedule(); },
  },
  created() {
    useReportStyle();
    this.load();
  },
  beforeUnmount() { clearTimeout(this.timer); },
  methods: {
    fmtTime: formatTime,
    back() { history.length > 1 ? history.back() : (location.hash = '#/reports'); },
    tagOf(kind) { return kind === 'title' ? 'h1' : kind === 'h1' ? 'h2' : kind === 'h2' ? 'h3' : 'p'; },
    async load() {
      try {
        const r = await api.get('/reports/' + encodeURIComponent(this.id), null, { quiet: true });
        this.report = r.report;
        this.mayEdit = !!r.may_edit;
        this.title = r.report.title;
        this.body = r.report.body;
        this.saved = { title: this.title, body: this.body };
        this.preview();
        this.loadFigures();
      } catch (e) {
        if (e.status === 404) this.missing = true;
        else ElMessage.error(e.message);
      }
    },
    async loadFigures() {
      try {
        this.figures = (await api.get(`/reports/${this.id}/figures`)).items || [];
      } catch (_) { this.figures = []; }
    },
    schedule() {
      if (!this.report) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.preview(), PREVIEW_DELAY_MS);
    },
    // The server renders the text as it stands (nothing is stored); a late answer to an
    // older text is dropped.
    async preview() {
      const seq = ++this.seq;
      try {
        const r = this.dirty
          ? await api.post(`/reports/${this.id}/preview`, { title: this.title, body: this.body }, { quiet: true })
          : await api.get(`/reports/${this.id}/preview`, null, { quiet: true });
        if (seq !== this.seq) return;
        this.blocks = r.blocks || [];
        this.figs = r.figures || {};
        const any = Object.values(this.figs)[0];
        this.asOf = any ? any.as_of : '';
        this.error = '';
      } catch (e) {
        if (seq === this.seq) this.error = e.message;
      }
    },
    show(ev, name) {
      const f = this.figs[name];
      if (!f) return;
      const rect = ev.target.getBoundingClientRect();
      const x = Math.min(rect.left, window.innerWidth - 340);
      this.hover = { name, f, x: Math.max(8, x), y: rect.bottom + 6 };
    },
    insert(name) {
      if (!name) return;
      const ta = this.$refs.body;
      const at = ta ? ta.selectionStart : this.body.length;
      const end = ta ? ta.selectionEnd : at;
      const token = '{{' + name + '}}';
      this.body = this.body.slice(0, at) + token + this.body.slice(end);
      this.pick = '';
      this.$nextTick(() => {
        if (!ta) return;
        ta.focus();
        ta.selectionStart = ta.selectionEnd = at + token.length;
      });
    },
    async save() {
      this.saving = true;
      try {
        const r = await api.put('/reports/' + this.id, { title: this.title, body: this.body, version: this.report.version });
        this.report = r.report;
        this.saved = { title: r.report.title, body: r.report.body };
        ElMessage.success('已保存（第' + r.report.version + '版）');
      } catch (_) { /* the message (line, conflict) is shown by api.js */ } finally {
        this.saving = false;
      }
    },
    get(format) {
      if (this.dirty) ElMessage.warning('下载的是已保存的版本，请先保存修改');
      download(`/reports/${this.id}/download`, { format }, `report-${this.id}.${format}`).catch(() => {});
    },
  },
};
