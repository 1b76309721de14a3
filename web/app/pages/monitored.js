// #/monitored — 监测户: the monitored households of the current area by
// category (counts from the monitoring summary), with village, 组, 风险类型 and
// 帮扶责任人.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatCount } from '../util.js';
import { useMonitoringStyle, CATEGORIES } from '../monitoring-ui.js';
import ExportButton from '../components/export-button.js';

export default {
  name: 'MonitoredPage',
  components: { ExportButton },
  template: `
  <div class="zx-page" data-testid="page-monitored">
    <div class="zx-page-head">
      <h2 class="zx-page-title">监测户<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span></h2>
      <div class="zx-toolbar"><export-button kind="monitored" title="监测对象"></export-button></div>
    </div>
    <el-card shadow="never" class="zx-card zx-gap-b">
      <div class="zx-mon-summary" v-if="summary" data-testid="monitored-summary">
        <div><span class="zx-muted">监测户</span> <b>{{ fmt(summary.monitored.households) }}</b> 户 {{ fmt(summary.monitored.persons) }} 人</div>
        <div><span class="zx-muted">识别中</span> <b>{{ fmt(summary.cases.open) }}</b></div>
        <div v-if="summary.cases.overdue"><span class="zx-muted">逾期</span> <b class="zx-mon-red">{{ fmt(summary.cases.overdue) }}</b></div>
      </div>
      <el-radio-group v-model="category" @change="search" data-testid="monitored-category" class="zx-mon-states">
        <el-radio-button value="">全部类别</el-radio-button>
        <el-radio-button v-for="c in categories" :key="c" :value="c">{{ c }} {{ countOf(c) }}</el-radio-button>
      </el-radio-group>
    </el-card>
    <el-card shadow="never" class="zx-card">
      <el-table :data="items" v-loading="loading" stripe row-class-name="zx-click-row" @row-click="open"
                empty-text="没有监测户" data-testid="monitored-table">
        <el-table-column label="户主 / 户编号" min-width="150">
          <template #default="{ row }"><div>{{ row.head_name }} <span class="zx-muted">{{ row.size }}人</span></div><div class="zx-mono zx-muted">{{ row.household }}</div></template>
        </el-table-column>
        <el-table-column label="村 / 组" min-width="110">
          <template #default="{ row }">{{ row.village }}<span v-if="row.group" class="zx-muted zx-mon-grp">{{ row.group }}</span></template>
        </el-table-column>
        <el-table-column label="监测对象类别" min-width="120">
          <template #default="{ row }"><el-tag type="warning" size="small">{{ row.category }}</el-tag></template>
        </el-table-column>
        <template v-if="!narrow">
          <el-table-column prop="hh_type" label="户类型" min-width="80"></el-table-column>
          <el-table-column prop="risk_type" label="风险类型" min-width="100"></el-table-column>
          <el-table-column prop="helper" label="帮扶责任人" min-width="96"></el-table-column>
        </template>
      </el-table>
      <div class="zx-pager">
        <el-pagination v-model:current-page="page" :page-size="perPage" :total="total" background :pager-count="5"
                       layout="total, prev, pager, next" @current-change="load"></el-pagination>
      </div>
    </el-card>
  </div>`,
  data() {
    return { items: [], total: 0, page: 1, perPage: 20, category: '', loading: false, seq: 0, summary: null, categories: CATEGORIES };
  },
  computed: {
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    narrow() { return store.narrow; },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) { this.search(); this.loadSummary(); } } },
  },
  created() { useMonitoringStyle(); },
  methods: {
    fmt: formatCount,
    countOf(c) {
      const row = this.summary && (this.summary.monitored.by_category || []).find((x) => x.category === c);
      return row ? row.households : 0;
    },
    search() { this.page = 1; this.load(); },
    async loadSummary() {
      try {
        this.summary = await api.get('/monitoring/summary', { area: this.areaCode }, { quiet: true });
      } catch (_) {
        this.summary = null;
      }
    },
    async load() {
      const seq = ++this.seq;
      this.loading = true;
      try {
        const res = await api.get('/monitoring/households', { area: this.areaCode, category: this.category, page: this.page, per_page: this.perPage });
        if (seq !== this.seq) return;
        this.items = res.items || [];
        this.total = res.total || 0;
      } catch (_) {
        if (seq === this.seq) { this.items = []; this.total = 0; }
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    open(row) { location.hash = '#/household/' + encodeURIComponent(row.household); },
  },
};
