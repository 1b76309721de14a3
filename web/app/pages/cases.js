// #/cases — 识别纳入: the cases of the current area by step, days elapsed since
// discovery, overdue ones (past the 15-day limit) in red; a case is started
// here by hand (农户自主申报 / 干部排查 / 部门筛查预警) or from a 排查 candidate.
import { api } from '../api.js';
import { store } from '../store.js';
import { useMonitoringStyle, SOURCES, STEPS, stateType, formatDate, isCadre } from '../monitoring-ui.js';

const { ElMessage } = window.ElementPlus;

export default {
  name: 'CasesPage',
  template: `
  <div class="zx-page" data-testid="page-cases">
    <div class="zx-page-head">
      <h2 class="zx-page-title">识别纳入<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span></h2>
      <div class="zx-toolbar">
        <el-button v-if="mayStart" type="primary" @click="openNew" data-testid="case-new">
          <el-icon><Plus /></el-icon><span>新建识别</span>
        </el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card zx-gap-b">
      <div class="zx-filters">
        <el-radio-group v-model="state" @change="search" data-testid="case-state" class="zx-mon-states">
          <el-radio-button value="">进行中</el-radio-button>
          <el-radio-button v-for="s in states" :key="s.key" :value="s.key">{{ s.key === 'discovered' ? '待核实' : s.name }}</el-radio-button>
          <el-radio-button value="rejected">不予纳入</el-radio-button>
          <el-radio-button value="all">全部</el-radio-button>
        </el-radio-group>
        <el-checkbox v-model="overdue" @change="search" data-testid="case-overdue">仅看逾期</el-checkbox>
      </div>
    </el-card>
    <el-card shadow="never" class="zx-card">
      <el-table :data="items" v-loading="loading" stripe :row-class-name="rowClass"
                @row-click="open" empty-text="没有识别纳入流程" data-testid="cases-table">
        <el-table-column label="户主 / 户编号" min-width="150">
          <template #default="{ row }">
            <div>{{ row.head_name }}</div><div class="zx-mono zx-muted">{{ row.household }}</div>
          </template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="村 / 组" min-width="110">
          <template #default="{ row }">{{ row.village }}<span v-if="row.group" class="zx-muted zx-mon-grp">{{ row.group }}</span></template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="来源" min-width="96"><template #default="{ row }">{{ row.source_name }}</template></el-table-column>
        <el-table-column v-if="!narrow" label="原因" min-width="200" show-overflow-tooltip><template #default="{ row }">{{ row.reason }}</template></el-table-column>
        <el-table-column label="当前环节" min-width="100">
          <template #default="{ row }"><el-tag size="small" :type="stateType(row.state)" data-testid="case-state-tag">{{ row.state_name }}</el-tag></template>
        </el-table-column>
        <el-table-column label="已用天数" min-width="100">
          <template #default="{ row }">
            <span :class="{ 'zx-mon-red': row.overdue }" data-testid="case-days">{{ row.days_elapsed }} 天</span>
            <el-tag v-if="row.overdue" type="danger" size="small" effect="dark" class="zx-mon-overdue">逾期</el-tag>
          </template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="发现 / 期限" min-width="110">
          <template #default="{ row }"><div>{{ date(row.discovered_at) }}</div><div class="zx-muted">{{ date(row.due_at) }}</div></template>
        </el-table-column>
      </el-table>
      <div class="zx-pager">
        <el-pagination v-model:current-page="page" :page-size="perPage" :total="total" background :pager-count="5"
                       layout="total, prev, pager, next" @current-change="load"></el-pagination>
      </div>
    </el-card>

    <el-dialog v-model="creating" title="新建识别纳入" width="min(520px, 94vw)" append-to-body data-testid="case-new-dialog">
      <el-form :model="form" label-width="90px" @submit.prevent>
        <el-form-item label="户编号" required><el-input v-model.trim="form.household" name="household" maxlength="32"></el-input></el-form-item>
        <el-form-item label="来源" required>
          <el-select v-model="form.source" class="zx-full">
            <el-option v-for="s in sources" :key="s.key" :label="s.name" :value="s.key"></el-option>
          </el-select>
        </el-form-item>
        <el-form-item label="发现原因" required>
          <el-input v-model.trim="form.reason" type="textarea" :rows="3" maxlength="300" show-word-limit name="reason"></el-input>
        </el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="creating = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="create" data-testid="case-new-save">发起</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return {
      items: [], total: 0, page: 1, perPage: 20, state: '', overdue: false, loading: false, seq: 0,
      states: STEPS, sources: SOURCES, creating: false, saving: false, form: {},
    };
  },
  computed: {
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    narrow() { return store.narrow; },
    mayStart() { return isCadre(); },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) this.search(); } },
  },
  created() { useMonitoringStyle(); },
  methods: {
    date: formatDate,
    stateType,
    rowClass({ row }) { return 'zx-click-row' + (row.overdue ? ' zx-mon-overdue-row' : ''); },
    search() { this.page = 1; this.load(); },
    async load() {
      const seq = ++this.seq;
      this.loading = true;
      const params = { area: this.areaCode, page: this.page, per_page: this.perPage };
      if (this.state === '') params.open = 1;
      else if (this.state !== 'all') params.state = this.state;
      if (this.overdue) params.overdue = 1;
      try {
        const res = await api.get('/cases', params);
        if (seq !== this.seq) return;
        this.items = res.items || [];
        this.total = res.total || 0;
      } catch (_) {
        if (seq === this.seq) { this.items = []; this.total = 0; }
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    open(row) { location.hash = '#/case/' + row.id; },
    openNew() {
      this.form = { household: '', source: 'cadre', reason: '' };
      this.creating = true;
    },
    async create() {
      const f = this.form;
      if (!f.household || !f.reason) {
        ElMessage.warning('请填写户编号和发现原因');
        return;
      }
      this.saving = true;
      try {
        const res = await api.post('/cases', { household: f.household, source: f.source, reason: f.reason });
        this.creating = false;
        ElMessage.success('已发起识别纳入流程');
        location.hash = '#/case/' + res.case.id;
      } catch (_) {
        // Shown by the api wrapper.
      } finally {
        this.saving = false;
      }
    },
  },
};
