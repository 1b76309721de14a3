// #/plans — 一户一策: the 监测户 of the current area with their plan, measures
// delivered and the 30-day flag (no measure 已落实 30 days after inclusion, in
// red); a second tab lists 风险消除 applications with their step actions
// (评议 → 公示 → 审核 → 审定) for the cadres who take them.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import { CADRE_ROLES, useAssistanceStyle } from '../assistance-ui.js';
import ExportButton from '../components/export-button.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

// Which actions each state offers (the server's table decides who may).
const ACTIONS = {
  applied: [['review', '村民代表评议'], ['reject', '不予消除']],
  reviewed: [['publish', '开始村内公示'], ['return', '退回'], ['reject', '不予消除']],
  noticed: [['town_approve', '乡镇审核通过'], ['return', '退回'], ['reject', '不予消除']],
  town_approved: [['county_approve', '县级审定通过'], ['return', '退回'], ['reject', '不予消除']],
};

export default {
  name: 'PlansPage',
  components: { ExportButton },
  template: `
  <div class="zx-page" data-testid="page-plans">
    <div class="zx-page-head">
      <h2 class="zx-page-title">一户一策<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span></h2>
      <div class="zx-toolbar">
        <export-button v-if="tab === 'elim'" key="elim" kind="eliminations" title="消除名单" yearly></export-button>
        <export-button v-else key="measures" kind="measures" title="帮扶措施台账" yearly></export-button>
      </div>
    </div>
    <el-tabs v-model="tab" @tab-change="onTab">
      <el-tab-pane label="监测户帮扶计划" name="plans">
        <div class="zx-stats zx-gap-b" v-if="summary">
          <div class="zx-stat zx-stat-blue"><div class="zx-stat-label">监测户</div>
            <div class="zx-stat-value"><span class="zx-stat-num" data-testid="plans-households">{{ summary.households }}</span><span class="zx-stat-unit">户</span></div></div>
          <div class="zx-stat zx-stat-green"><div class="zx-stat-label">已制定计划</div>
            <div class="zx-stat-value"><span class="zx-stat-num">{{ summary.with_plan }}</span><span class="zx-stat-unit">户</span></div></div>
          <div class="zx-stat zx-stat-gold"><div class="zx-stat-label">超30天无落实措施</div>
            <div class="zx-stat-value"><span class="zx-stat-num zx-red" data-testid="plans-flagged">{{ summary.flagged }}</span><span class="zx-stat-unit">户</span></div></div>
        </div>
        <el-card shadow="never" class="zx-card">
          <div class="zx-filters zx-gap-b">
            <el-checkbox v-model="flaggedOnly" @change="search" data-testid="plans-flagged-only">只看超期未落实</el-checkbox>
            <el-input v-if="!isHelper" v-model.trim="helper" placeholder="帮扶责任人" clearable class="zx-filter"
                      maxlength="30" @keyup.enter="search" @clear="search"></el-input>
          </div>
          <el-table :data="items" v-loading="loading" stripe row-class-name="zx-click-row" @row-click="open"
                    empty-text="暂无监测户" data-testid="plans-table">
            <el-table-column label="户主 / 户编号" min-width="160">
              <template #default="{ row }">
                <div class="zx-cell-main">{{ row.head_name }} <span class="zx-muted">{{ row.size }}人</span></div>
                <div class="zx-mono zx-muted">{{ row.hh_no }}</div>
              </template>
            </el-table-column>
            <el-table-column v-if="!narrow" label="村 / 组" min-width="130">
              <template #default="{ row }">{{ row.village_name }} {{ row.group }}</template>
            </el-table-column>
            <el-table-column v-if="!narrow" prop="category" label="监测对象类别" min-width="110"></el-table-column>
            <el-table-column v-if="!narrow" prop="helper" label="帮扶责任人" min-width="90"></el-table-column>
            <el-table-column label="计划 / 措施" min-width="120">
              <template #default="{ row }">
                <el-tag v-if="!row.has_plan" size="small" type="info">未制定</el-tag>
                <span v-else>{{ row.measures_done }}/{{ row.measures }} 已落实</span>
                <div v-if="row.flagged" class="zx-plan-flag" :data-testid="'flag-' + row.hh_no">
                  {{ row.days_waiting }} 天无落实措施
                </div>
              </template>
            </el-table-column>
          </el-table>
          <div class="zx-pager">
            <el-pagination v-model:current-page="page" :page-size="perPage" :total="total" background
                           :pager-count="5" layout="total, prev, pager, next" @current-change="load"></el-pagination>
          </div>
        </el-card>
      </el-tab-pane>

      <el-tab-pane label="风险消除审批" name="elim">
        <el-card shadow="never" class="zx-card">
          <div class="zx-filters zx-gap-b">
            <el-radio-group v-model="elimStatus" size="small" @change="loadElim">
              <el-radio-button value="pending">审批中</el-radio-button>
              <el-radio-button value="eliminated">风险已消除</el-radio-button>
              <el-radio-button value="rejected">不予消除</el-radio-button>
            </el-radio-group>
          </div>
          <el-table :data="elims" v-loading="elimLoading" stripe empty-text="暂无申请" data-testid="elim-table">
            <el-table-column label="户主 / 户编号" min-width="150">
              <template #default="{ row }">
                <a class="zx-crumb-link" @click="openHh(row.hh_no)">{{ row.head_name }}</a>
                <div class="zx-mono zx-muted">{{ row.hh_no }}</div>
              </template>
            </el-table-column>
            <el-table-column label="方式 / 原类别" min-width="120">
              <template #default="{ row }">{{ row.kind }}<div class="zx-muted">{{ row.category }}</div></template>
            </el-table-column>
            <el-table-column label="当前环节" min-width="110">
              <template #default="{ row }">
                <el-tag size="small" :type="row.status === 'eliminated' ? 'success' : row.status === 'rejected' ? 'danger' : 'warning'">
                  {{ row.state_name }}
                </el-tag>
                <div v-if="row.state === 'noticed'" class="zx-muted">公示自 {{ fmtTime(row.notice_at) }}</div>
              </template>
            </el-table-column>
            <el-table-column v-if="!narrow" label="申请" min-width="120">
              <template #default="{ row }">{{ row.applied_by }}<div class="zx-muted">{{ fmtTime(row.applied_at) }}</div></template>
            </el-table-column>
            <el-table-column v-if="isCadre" label="办理" min-width="170">
              <template #default="{ row }">
                <div class="zx-row-actions" v-if="row.status === 'pending'">
                  <el-button v-for="a in actionsOf(row)" :key="a[0]" link size="small"
                             :type="a[0] === 'reject' || a[0] === 'return' ? 'danger' : 'primary'"
                             @click="act(row, a)" :data-testid="'elim-' + a[0] + '-' + row.id">{{ a[1] }}</el-button>
                </div>
              </template>
            </el-table-column>
          </el-table>
        </el-card>
      </el-tab-pane>
    </el-tabs>
  </div>`,
  data() {
    return {
      tab: 'plans', items: [], total: 0, page: 1, perPage: 20, summary: null, loading: false, seq: 0,
      flaggedOnly: false, helper: '', elims: [], elimStatus: 'pending', elimLoading: false,
    };
  },
  computed: {
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    narrow() { return store.narrow; },
    isHelper() { return !!store.user && store.user.role === 'helper'; },
    isCadre() { return !!store.user && CADRE_ROLES.includes(store.user.role); },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) { this.page = 1; this.load(); if (this.tab === 'elim') this.loadElim(); } } },
  },
  created() {
    useAssistanceStyle();
  },
  methods: {
    fmtTime: formatTime,
    search() { this.page = 1; this.load(); },
    onTab(t) { if (t === 'elim') this.loadElim(); },
    async load() {
      if (!this.areaCode) return;
      const seq = ++this.seq;
      this.loading = true;
      try {
        const r = await api.get('/plans', {
          area: this.areaCode, helper: this.helper, flagged: this.flaggedOnly ? 1 : '', page: this.page,
          per_page: this.perPage,
        });
        if (seq !== this.seq) return;
        this.items = r.items || [];
        this.total = r.total || 0;
        this.summary = r.summary;
      } catch (_) {
        if (seq === this.seq) { this.items = []; this.total = 0; }
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    async loadElim() {
      if (!this.areaCode) return;
      this.elimLoading = true;
      try {
        const r = await api.get('/eliminations', { area: this.areaCode, status: this.elimStatus, per_page: 100 });
        this.elims = r.items || [];
      } catch (_) {
        this.elims = [];
      } finally {
        this.elimLoading = false;
      }
    },
    open(row) { location.hash = '#/plan/' + encodeURIComponent(row.hh_no); },
    openHh(hhNo) { location.hash = '#/plan/' + encodeURIComponent(hhNo); },
    actionsOf(row) { return ACTIONS[row.state] || []; },
    async act(row, a) {
      const needReason = a[0] === 'return' || a[0] === 'reject';
      let opinion = '';
      try {
        const r = await ElMessageBox.prompt(needReason ? '请填写理由（必填）' : '办理意见（选填）', a[1], {
          confirmButtonText: '确定', cancelButtonText: '取消', inputType: 'textarea',
          inputValidator: (v) => (!needReason || (v && v.trim() !== '')) || '请填写理由',
        });
        opinion = (r.value || '').trim();
      } catch (_) {
        return;
      }
      try {
        await api.post(`/eliminations/${row.id}/steps`, { action: a[0], opinion }, { quiet: true });
        ElMessage.success('已办理：' + a[1]);
      } catch (e) {
        ElMessage.error({ message: e.message, duration: 6000 });
      }
      this.loadElim();
    },
  },
};
