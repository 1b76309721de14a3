// #/ledger/<kind> — the one generic 台账 page. Everything it shows comes from the kind
// descriptor of GET /api/v1/ledgers (fields with type, label, unit, enums, required):
// the list and its filters, the add/edit dialog, the import dialog (upload, job progress,
// error table), the export and the check panel with the kind's warnings.
import { api } from '../api.js';
import { store, canEditRegistry } from '../store.js';
import { formatCount } from '../util.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;
const POLL_MS = 500;

let kindsCache = null;
async function loadKinds() {
  if (!kindsCache) kindsCache = api.get('/ledgers').then((r) => r.kinds).catch((e) => { kindsCache = null; throw e; });
  return kindsCache;
}

function thisYear() {
  return new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
}

// A field's value as a table cell.
function cell(f, v) {
  if (v === null || v === undefined || v === '') return '';
  switch (f.type) {
    case 'person': return `${v.name} ${v.id_masked}`;
    case 'household': return `${v.hh_no} ${v.head_name}`;
    case 'parent': return v.title;
    case 'households': return Array.isArray(v) ? v.map((h) => h.hh_no).join('、') : `${v}户`;
    case 'money': return Number(v).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    default: return String(v) + (f.unit && f.type !== 'money' ? f.unit : '');
  }
}

// The columns a kind shows in its list, by role; on a phone: who/what, the amount and the
// flag (or the status).
function listFields(kind, narrow) {
  const role = (r) => kind.fields.find((f) => f.role === r);
  const order = ['person', 'household', 'title', 'parent', 'category', 'amount', 'quantity', 'date', 'end', 'status'];
  const computed = kind.fields.filter((f) => f.type === 'computed');
  if (!narrow) return [...order.map(role).filter(Boolean), ...computed];
  const title = role('title');
  const who = role('person') || role('household') || (title && title.required ? title : null) || role('parent') ||
    role('area') || title;
  const last = computed.length ? computed : [role('status')];
  return [who, role('amount') || role('quantity'), ...last].filter(Boolean);
}

export default {
  name: 'LedgerPage',
  template: `
  <div class="zx-page" :data-testid="'page-ledger-' + kindKey">
    <div class="zx-page-head">
      <h2 class="zx-page-title">{{ kind ? kind.name : '台账' }}<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span></h2>
      <div class="zx-filters">
        <el-button v-if="canWrite" type="primary" @click="openForm(null)" data-testid="ledger-add">新增</el-button>
        <el-button v-if="canWrite" @click="importOpen = true" data-testid="ledger-import">导入</el-button>
        <el-dropdown @command="exportAs" trigger="click">
          <el-button data-testid="ledger-export">导出</el-button>
          <template #dropdown><el-dropdown-menu>
            <el-dropdown-item command="xlsx">导出 Excel（XLSX）</el-dropdown-item>
            <el-dropdown-item command="csv">导出 CSV</el-dropdown-item>
          </el-dropdown-menu></template>
        </el-dropdown>
      </div>
    </div>

    <el-card shadow="never" class="zx-card zx-gap-b" v-if="checks.length" data-testid="ledger-checks">
      <template #header><div class="zx-card-head"><span>检查提示（{{ year || thisYearNow }}年）</span>
        <span class="zx-muted">{{ warnings }} 项需关注</span></div></template>
      <div v-for="(c, i) in checks" :key="i" class="zx-gap-b" :data-testid="'check-' + c.code">
        <el-tag size="small" :type="c.level === 'warning' ? 'danger' : (c.level === 'ok' ? 'success' : 'info')">
          {{ c.level === 'warning' ? '预警' : (c.level === 'ok' ? '达标' : '提示') }}</el-tag>
        <span style="margin-left:8px">{{ c.message }}</span>
      </div>
    </el-card>

    <el-card shadow="never" class="zx-card">
      <div class="zx-filters zx-gap-b">
        <el-select v-model="year" class="zx-filter" @change="search" data-testid="ledger-year">
          <el-option label="全部年度" :value="0"></el-option>
          <el-option v-for="y in years" :key="y" :label="y + '年'" :value="y"></el-option>
        </el-select>
        <el-select v-if="statusField" v-model="status" clearable :placeholder="statusField.label" class="zx-filter" @change="search">
          <el-option v-for="s in statusField.enums" :key="s" :label="s" :value="s"></el-option>
        </el-select>
        <el-select v-if="categoryField" v-model="category" clearable :placeholder="categoryField.label" class="zx-filter" @change="search">
          <el-option v-for="s in categoryField.enums" :key="s" :label="s" :value="s"></el-option>
        </el-select>
        <el-input v-model.trim="q" placeholder="名称、姓名或户编号" clearable class="zx-filter" maxlength="50"
                  @keyup.enter="search" @clear="search" data-testid="ledger-q"></el-input>
        <el-button @click="search">查询</el-button>
      </div>
      <el-table :data="items" v-loading="loading" stripe empty-text="暂无记录" data-testid="ledger-table">
        <el-table-column v-for="f in columns" :key="f.key" :label="f.type === 'area' ? '区域' : f.label + (f.type === 'money' ? '（元）' : '')"
                         :min-width="narrow ? (f.type === 'computed' ? 64 : 96) : (f.type === 'person' || f.type === 'household' ? 170 : 110)"
                         :align="f.type === 'money' ? 'right' : 'left'">
          <template #default="{ row }">
            <el-tag v-if="f.type === 'computed'" size="small" :type="row[f.key] === '是' ? 'danger' : 'info'"
                    :data-testid="'cell-' + f.key + '-' + row.id">{{ row[f.key] }}</el-tag>
            <span v-else-if="f.type === 'area'">{{ row.area_name }}</span>
            <span v-else>{{ cellText(f, row[f.key]) }}</span>
          </template>
        </el-table-column>
        <el-table-column v-if="!narrow && !columns.some((f) => f.type === 'area')" prop="area_name" label="区域"
                         min-width="120"></el-table-column>
        <el-table-column v-if="canWrite" label="操作" :width="narrow ? 60 : 130" fixed="right">
          <template #default="{ row }">
            <el-button link type="primary" @click="openForm(row)" :data-testid="'edit-' + row.id">编辑</el-button>
            <el-button v-if="!narrow" link type="danger" @click="remove(row)">删除</el-button>
          </template>
        </el-table-column>
      </el-table>
      <el-pagination v-if="total > perPage" class="zx-gap-t" layout="prev, pager, next, total" :total="total"
                     :page-size="perPage" v-model:current-page="page" @current-change="load" small></el-pagination>
    </el-card>

    <el-dialog v-model="formOpen" :title="(editing ? '编辑' : '新增') + (kind ? kind.name : '')"
               :width="narrow ? '94%' : '560px'" destroy-on-close data-testid="ledger-form">
      <el-form v-if="kind" label-position="top" @submit.prevent>
        <el-form-item v-for="f in formFields" :key="f.key" :label="f.label + (f.unit ? '（' + f.unit + '）' : '')"
                      :required="f.required" :error="formErrors[f.key]">
          <el-select v-if="f.type === 'enum'" v-model="form[f.key]" clearable style="width:100%" :data-testid="'f-' + f.key">
            <el-option v-for="s in f.enums" :key="s" :label="s" :value="s"></el-option>
          </el-select>
          <div v-else-if="f.type === 'date'" style="width:100%" :data-testid="'f-' + f.key">
            <el-date-picker v-model="form[f.key]" type="date" value-format="YYYY-MM-DD" style="width:100%"></el-date-picker>
          </div>
          <el-select v-else-if="f.type === 'parent'" v-model="form[f.key]" filterable style="width:100%" :data-testid="'f-' + f.key">
            <el-option v-for="p in parents" :key="p.id" :label="p.title" :value="p.id"></el-option>
          </el-select>
          <el-input v-else v-model.trim="form[f.key]" :placeholder="placeholder(f)" :data-testid="'f-' + f.key"
                    :type="f.key === 'findings' ? 'textarea' : 'text'"></el-input>
        </el-form-item>
      </el-form>
      <template #footer>
        <el-button v-if="editing && narrow" type="danger" plain @click="remove(editing)">删除</el-button>
        <el-button @click="formOpen = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="save" data-testid="ledger-save">保存</el-button>
      </template>
    </el-dialog>

    <el-dialog v-model="importOpen" :title="'导入' + (kind ? kind.name : '')" :width="narrow ? '94%' : '640px'"
               data-testid="ledger-import-dialog">
      <p class="zx-muted">CSV 或 XLSX，第一行为表头（列名，带 * 的必填）：{{ importColumns }}。金额列的表头写“（万元）”时按万元换算。
        整个文件校验通过才会写入，任何一行有错误都不写入。</p>
      <input type="file" accept=".csv,.xlsx,.txt" @change="picked" data-testid="ledger-file">
      <div class="zx-filters zx-gap-t">
        <el-button :disabled="!file || busy" @click="startImport(true)">只校验</el-button>
        <el-button type="primary" :disabled="!file || busy" @click="startImport(false)" data-testid="ledger-import-start">导入</el-button>
      </div>
      <div v-if="phase" class="zx-gap-t" data-testid="ledger-import-progress">
        <el-progress :percentage="percent" :status="phase === 'failed' ? 'exception' : (phase === 'done' ? 'success' : '')"
                     :indeterminate="busy && !jobTotal" :stroke-width="14"></el-progress>
        <p :class="phase === 'failed' ? 'zx-red' : ''" data-testid="ledger-import-message">{{ message }}</p>
        <a v-if="hasErrorFile" :href="'/api/v1/jobs/' + jobId + '/errors.csv'">下载全部错误（CSV）</a>
      </div>
      <el-table v-if="importErrors.length" :data="importErrors" max-height="300" data-testid="ledger-import-errors">
        <el-table-column label="行号" width="70" align="right"><template #default="{ row }">{{ row.row || '—' }}</template></el-table-column>
        <el-table-column prop="column" label="列" width="120"></el-table-column>
        <el-table-column prop="message" label="错误说明" min-width="220"></el-table-column>
      </el-table>
    </el-dialog>
  </div>`,
  data() {
    return {
      kinds: [], year: 0, status: '', category: '', q: '',
      items: [], total: 0, page: 1, perPage: 20, loading: false,
      checks: [], warnings: 0,
      formOpen: false, editing: null, form: {}, formErrors: {}, saving: false, parents: [],
      importOpen: false, file: null, busy: false, phase: '', message: '', jobId: null, jobProgress: 0, jobTotal: 0,
      importErrors: [], hasErrorFile: false, timer: null, alive: true,
    };
  },
  computed: {
    kindKey() { return (location.hash.split('?')[0].split('/')[2]) || ''; },
    kind() { return this.kinds.find((k) => k.key === this.kindKey) || null; },
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    narrow() { return store.narrow; },
    canWrite() { return canEditRegistry(); },
    years() { const y = thisYear(); return [y, y - 1, y - 2, y - 3, y - 4]; },
    thisYearNow() { return thisYear(); },
    columns() { return this.kind ? listFields(this.kind, this.narrow) : []; },
    statusField() { return this.kind && this.kind.fields.find((f) => f.role === 'status' && f.enums); },
    categoryField() { return this.kind && this.kind.fields.find((f) => f.role === 'category' && f.enums); },
    formFields() { return this.kind ? this.kind.fields.filter((f) => f.type !== 'computed') : []; },
    importColumns() {
      return this.kind ? this.formFields.map((f) => f.label + (f.required && !f.default ? '*' : '')).join('、') : '';
    },
    percent() {
      if (this.phase === 'done' || this.phase === 'failed') return 100;
      return this.jobTotal ? Math.min(100, Math.floor(this.jobProgress * 100 / this.jobTotal)) : 0;
    },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code && this.kind) { this.page = 1; this.load(); this.loadChecks(); } } },
  },
  async created() {
    try {
      this.kinds = await loadKinds();
    } catch (_) { return; }
    if (this.areaCode) { this.load(); this.loadChecks(); }
  },
  beforeUnmount() {
    this.alive = false;
    clearTimeout(this.timer);
  },
  methods: {
    cellText: cell,
    placeholder(f) {
      switch (f.type) {
        case 'person': return this.editing ? '不修改请留空；或填写证件号码' : '证件号码（18位）';
        case 'household': return '户编号';
        case 'households': return '户编号，多个用顿号分隔';
        case 'area': return '12位区划代码或村名，默认当前区域';
        case 'money': return '金额，如 50000 或 5万元';
        case 'year': return '如 ' + thisYear();
        default: return '';
      }
    },
    filters() {
      return {
        area: this.areaCode, year: this.year || '', status: this.status || '', category: this.category || '', q: this.q,
      };
    },
    search() { this.page = 1; this.load(); this.loadChecks(); },
    async load() {
      if (!this.kind || !this.areaCode) return;
      this.loading = true;
      try {
        const r = await api.get('/ledgers/' + this.kind.key, { ...this.filters(), page: this.page, per_page: this.perPage });
        this.items = r.items;
        this.total = r.total;
      } catch (_) { this.items = []; this.total = 0; } finally { this.loading = false; }
    },
    async loadChecks() {
      if (!this.kind || !this.areaCode) return;
      try {
        const r = await api.get('/ledgers/' + this.kind.key + '/checks',
          { area: this.areaCode, year: this.year || thisYear() }, { quiet: true });
        this.checks = r.items;
        this.warnings = r.warnings;
      } catch (_) { this.checks = []; this.warnings = 0; }
    },
    async openForm(row) {
      this.editing = row;
      this.formErrors = {};
      const form = {};
      for (const f of this.formFields) {
        const v = row ? row[f.key] : null;
        if (f.type === 'person') form[f.key] = '';
        else if (f.type === 'household') form[f.key] = v ? v.hh_no : '';
        else if (f.type === 'households') form[f.key] = Array.isArray(v) ? v.map((h) => h.hh_no).join('、') : '';
        else if (f.type === 'parent') form[f.key] = v ? v.id : null;
        else if (f.type === 'area') form[f.key] = row ? row.area_code : (this.area && this.area.level >= 4 ? this.areaCode : '');
        else form[f.key] = v === null || v === undefined ? (row ? '' : (f.default || '')) : String(v);
      }
      if (row && this.kind.fields.some((f) => f.type === 'households')) {
        try {
          const full = await api.get('/ledgers/' + this.kind.key + '/' + row.id);
          const hf = this.kind.fields.find((f) => f.type === 'households');
          form[hf.key] = (full[hf.key] || []).map((h) => h.hh_no).join('、');
        } catch (_) { /* keep what the list had */ }
      }
      const pf = this.kind.fields.find((f) => f.type === 'parent');
      if (pf) {
        try {
          const r = await api.get('/ledgers/' + pf.parent_kind, { area: this.areaCode, per_page: 500 });
          this.parents = r.items.map((p) => ({ id: p.id, title: p.name || p.title || ('#' + p.id) }));
        } catch (_) { this.parents = []; }
      }
      this.form = form;
      this.formOpen = true;
    },
    async save() {
      const body = {};
      for (const f of this.formFields) {
        let v = this.form[f.key];
        if (f.type === 'person' && this.editing && !v) continue;
        if (f.type === 'parent') { if (v) body[f.key] = v; else if (!this.editing) body[f.key] = null; continue; }
        if (this.editing) {
          const old = this.editing[f.key];
          const same = old !== null && old !== undefined && typeof old !== 'object' && String(old) === String(v);
          if (same || (f.type === 'household' && old && old.hh_no === v)) continue;
        }
        if (v === '' || v === null || v === undefined) { if (this.editing) body[f.key] = null; continue; }
        body[f.key] = v;
      }
      this.saving = true;
      this.formErrors = {};
      try {
        if (this.editing) await api.put('/ledgers/' + this.kind.key + '/' + this.editing.id, body, { quiet: true });
        else await api.post('/ledgers/' + this.kind.key, body, { quiet: true });
        ElMessage.success('已保存');
        this.formOpen = false;
        this.load();
        this.loadChecks();
      } catch (e) {
        const f = this.kind.fields.find((x) => x.label === e.field || x.key === e.field);
        if (f) this.formErrors = { [f.key]: e.message };
        ElMessage.error({ message: e.message, grouping: true });
      } finally { this.saving = false; }
    },
    async remove(row) {
      try {
        await ElMessageBox.confirm(`确定删除这条${this.kind.name}记录（编号 ${row.id}）吗？`, '删除', { type: 'warning' });
      } catch (_) { return; }
      try {
        await api.del('/ledgers/' + this.kind.key + '/' + row.id);
        ElMessage.success('已删除');
        this.formOpen = false;
        this.load();
        this.loadChecks();
      } catch (_) { /* shown */ }
    },
    exportAs(format) {
      api.download('/ledgers/' + this.kind.key + '/export', { ...this.filters(), format }, `${this.kind.name}.${format}`)
        .catch(() => {});
    },
    picked(ev) {
      const f = ev.target.files && ev.target.files[0];
      this.file = f || null;
      this.phase = '';
      this.importErrors = [];
    },
    async startImport(dryRun) {
      if (!this.file || this.busy) return;
      this.busy = true;
      this.phase = 'upload';
      this.message = '正在上传文件…';
      this.importErrors = [];
      this.hasErrorFile = false;
      this.jobProgress = 0;
      this.jobTotal = 0;
      const params = { kind: 'ledger:' + this.kind.key };
      if (dryRun) params.dry_run = 1;
      try {
        const r = await api.upload('/imports', this.file, { params, quiet: true });
        this.jobId = r.job.id;
        this.poll();
      } catch (e) {
        this.phase = 'failed';
        this.message = e.message;
        this.busy = false;
      }
    },
    poll() {
      this.timer = setTimeout(async () => {
        if (!this.alive) return;
        let job;
        try {
          job = await api.get('/jobs/' + this.jobId, null, { quiet: true });
        } catch (e) {
          if (e.status && e.status < 500) { this.phase = 'failed'; this.message = e.message; this.busy = false; return; }
          this.poll();
          return;
        }
        this.jobProgress = job.progress;
        this.jobTotal = job.total;
        if (job.status === 'done' || job.status === 'failed') {
          this.phase = job.status;
          this.message = job.message || '';
          this.importErrors = job.errors || [];
          this.hasErrorFile = job.has_error_file;
          this.busy = false;
          if (job.status === 'done' && job.result && !job.result.dry_run) { this.load(); this.loadChecks(); }
          return;
        }
        this.phase = 'running';
        this.message = this.jobTotal ? `正在处理：第 ${formatCount(this.jobProgress)} / ${formatCount(this.jobTotal)} 行` : '正在处理…';
        this.poll();
      }, POLL_MS);
    },
  },
};
