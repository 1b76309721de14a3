// #/dashboard — 首页驾驶舱 of the current area: key figures as tiles (each a link to the list
// behind it; hovering shows its definition, source and time), households and persons by
// 户类型 and 监测对象类别, the monitoring funnel, the 人均纯收入 histogram against the 监测线,
// a bar per child area (click → drill down) and a ranking table. Every number comes from
// GET /api/v1/dashboard, the same figure registry the work report uses.
import { api } from '../api.js';
import { store, selectArea, seesAreaData } from '../store.js';
import { formatCount } from '../util.js';

const { markRaw } = window.Vue;
const CSS = '/app/dashboard.css';
const TILES = [
  'households_total', 'persons_total', 'tuopin_households', 'tuopin_persons', 'monitored_households', 'monitored_persons',
  'tuopin_income_per_capita', 'tuopin_income_growth_pct', 'monitored_income_per_capita', 'income_line',
  'included_households', 'eliminated_households', 'overdue_cases', 'overdue_visits',
  'campaign_coverage_pct', 'issues_rectified_pct', 'measures_delivered', 'visits_done',
];
// The landing page's household and person counts keep the overview's test ids.
const STAT_IDS = { households_total: 'stat-households', persons_total: 'stat-persons' };
const RED = '#c0392b';
const BLUE = '#2f6fb0';
const GOLD = '#d49b1a';

function useStyle() {
  if (document.querySelector(`link[href="${CSS}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = CSS;
  document.head.appendChild(link);
}

// ECharts from the embedded npm dist, loaded once (script-src 'self').
let echartsLoading = null;
function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/echarts.js';
      s.onload = () => resolve(window.echarts);
      s.onerror = () => { echartsLoading = null; reject(new Error('图表组件加载失败')); };
      document.head.appendChild(s);
    });
  }
  return echartsLoading;
}

function thisYear() {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
}

// ?area=&year= of the current hash (a drill-down link or a bookmark).
function hashParams() {
  return new URLSearchParams(location.hash.split('?')[1] || '');
}

export default {
  name: 'DashboardPage',
  template: `
  <div class="zx-page zx-dash" data-testid="page-dashboard">
    <div class="zx-page-head">
      <h2 class="zx-page-title" data-testid="dash-title">
        {{ data ? data.area_name : (area ? area.name : '') }}<span class="zx-page-title-sub">首页驾驶舱</span>
      </h2>
      <div class="zx-toolbar">
        <el-select v-model="year" class="zx-dash-year" @change="load" data-testid="dash-year">
          <el-option v-for="y in years" :key="y" :label="y + '年'" :value="y"></el-option>
        </el-select>
      </div>
    </div>
    <el-alert v-if="error" type="error" :title="error" show-icon :closable="false" class="zx-dash-alert"></el-alert>
    <div class="zx-dash-tiles" v-loading="loading" data-testid="dash-tiles">
      <el-tooltip v-for="f in tiles" :key="f.name" placement="bottom" :show-after="200">
        <template #content>
          <div class="zx-dash-tip">
            <div class="zx-dash-tip-def">{{ f.definition }}</div>
            <div>来源：{{ f.source }}</div>
            <div>数据时间：{{ asOf(f.as_of) }}</div>
          </div>
        </template>
        <a class="zx-dash-tile" :class="'zx-dash-' + f.kind" :href="f.link || undefined"
           :data-testid="'tile-' + f.name" @click="openLink($event, f.link)">
          <span class="zx-dash-tile-label">{{ f.label }}</span>
          <span class="zx-dash-tile-value" :data-testid="STAT_IDS[f.name]">
            <span class="zx-dash-tile-num zx-stat-num" :data-testid="'tile-num-' + f.name">{{ f.value === null ? '—' : f.number }}</span>
            <span class="zx-dash-tile-unit" v-if="f.value !== null">{{ f.unit }}</span>
          </span>
        </a>
      </el-tooltip>
    </div>
    <div class="zx-dash-grid">
      <el-card shadow="never" class="zx-card">
        <template #header><div class="zx-card-head"><span>户类型与监测对象类别</span>
          <span class="zx-muted">点击柱条查看名单</span></div></template>
        <div ref="types" class="zx-dash-chart" data-testid="chart-types"></div>
      </el-card>
      <el-card shadow="never" class="zx-card">
        <template #header><div class="zx-card-head"><span>{{ year }}年监测帮扶漏斗</span></div></template>
        <div ref="funnel" class="zx-dash-chart" data-testid="chart-funnel"></div>
      </el-card>
      <el-card shadow="never" class="zx-card zx-dash-wide">
        <template #header><div class="zx-card-head"><span>{{ year }}年人均纯收入分布</span>
          <span class="zx-muted">{{ lineText }}</span></div></template>
        <div ref="income" class="zx-dash-chart" data-testid="chart-income"></div>
      </el-card>
      <el-card shadow="never" class="zx-card zx-dash-wide" v-if="children.length">
        <template #header><div class="zx-card-head"><span>各{{ childLevel }}脱贫户与监测户</span>
          <span class="zx-muted">点击柱条进入该{{ childLevel }}</span></div></template>
        <div ref="children" class="zx-dash-chart" :style="{ height: childHeight + 'px' }"
             data-testid="chart-children"></div>
      </el-card>
      <el-card shadow="never" class="zx-card zx-dash-wide" v-if="children.length">
        <template #header><div class="zx-card-head"><span>各{{ childLevel }}排名（按脱贫户人均纯收入）</span>
          <span class="zx-muted">点击一行进入该{{ childLevel }}</span></div></template>
        <el-table :data="children" stripe size="small" row-class-name="zx-click-row" @row-click="drill"
                  data-testid="dash-ranking">
          <el-table-column prop="rank" label="排名" width="56" align="center"></el-table-column>
          <el-table-column prop="name" :label="childLevel" min-width="110"></el-table-column>
          <el-table-column label="脱贫户人均纯收入" align="right" min-width="120">
            <template #default="{ row }">{{ row.tuopin_income_per_capita }}</template>
          </el-table-column>
          <el-table-column v-if="!narrow" label="同比增长" align="right" min-width="84">
            <template #default="{ row }">{{ row.tuopin_income_growth_pct }}</template>
          </el-table-column>
          <el-table-column label="脱贫户" align="right" min-width="70">
            <template #default="{ row }">{{ fmt(row.tuopin_households) }}</template>
          </el-table-column>
          <el-table-column label="监测户" align="right" min-width="70">
            <template #default="{ row }">{{ fmt(row.monitored_households) }}</template>
          </el-table-column>
          <el-table-column v-if="!narrow" label="监测户占比" align="right" min-width="90">
            <template #default="{ row }">{{ row.monitored_share === '—' ? '—' : row.monitored_share + '%' }}</template>
          </el-table-column>
          <el-table-column v-if="!narrow" label="逾期案件" align="right" min-width="80" prop="overdue_cases"></el-table-column>
          <el-table-column v-if="!narrow" label="逾期走访" align="right" min-width="80" prop="overdue_visits"></el-table-column>
        </el-table>
      </el-card>
    </div>
  </div>`,
  data() {
    const y = thisYear();
    return {
      year: Number(hashParams().get('year')) >= 2000 ? Number(hashParams().get('year')) : y,
      years: [y, y - 1, y - 2, y - 3],
      data: null,
      loading: false,
      error: '',
      seq: 0,
      charts: {},
      STAT_IDS,
    };
  },
  computed: {
    narrow() { return store.narrow; },
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    figures() {
      const m = {};
      for (const f of (this.data && this.data.figures) || []) m[f.name] = f;
      return m;
    },
    tiles() { return TILES.map((n) => this.figures[n]).filter(Boolean); },
    children() { return (this.data && this.data.series.children) || []; },
    childLevel() { return (this.data && this.data.series.child_level) || '下级'; },
    childHeight() { return Math.max(260, this.children.length * 26 + 60); },
    lineText() {
      const h = this.data && this.data.series.income_histogram;
      return h && h.line_yuan !== null ? `红线为监测线 ${h.line_yuan}元` : '本年度未设置监测线';
    },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) this.enter(); } },
  },
  created() {
    this.hashDone = false;
    useStyle();
    this.onResize = () => { for (const c of Object.values(this.charts)) c.resize(); };
    this.onHash = () => { if (location.hash.startsWith('#/dashboard')) this.applyHash(); };
    window.addEventListener('resize', this.onResize);
    window.addEventListener('hashchange', this.onHash);
  },
  beforeUnmount() {
    window.removeEventListener('resize', this.onResize);
    window.removeEventListener('hashchange', this.onHash);
    for (const c of Object.values(this.charts)) c.dispose();
  },
  methods: {
    fmt: formatCount,
    asOf(s) { return s ? s.slice(0, 16).replace('T', ' ') : '—'; },
    // The first load: a link in the hash (#/dashboard?area=…&year=…) may name another area.
    async enter() {
      if (!this.hashDone) {
        this.hashDone = true;
        if (await this.selectFromHash()) return;
      }
      this.load();
    },
    // Selects the hash's area (the watcher then loads it); false when there is none to select.
    async selectFromHash() {
      const want = hashParams().get('area');
      if (!want || want === this.areaCode || !/^\d{12}$/.test(want)) return false;
      try {
        const a = await api.get('/areas/' + want);
        const path = [...store.areaPath];
        const i = path.findIndex((p) => p.code === want.slice(0, 9) + '000');
        selectArea(a, i >= 0 ? [...path.slice(0, i + 1), a] : [...path, a], false);
        return true;
      } catch (_) {
        return false; // not in the caller's scope: the current area stays
      }
    },
    // A new hash while the page shows (a bookmark, a link from another page).
    async applyHash() {
      const y = Number(hashParams().get('year'));
      const yearChanged = y >= 2000 && y <= 2100 && y !== this.year;
      if (yearChanged) this.year = y;
      if (await this.selectFromHash()) return;
      if (yearChanged) this.load();
    },
    async load() {
      if (!seesAreaData() || !this.areaCode) return;
      const seq = ++this.seq;
      this.loading = true;
      this.error = '';
      try {
        const [d] = await Promise.all([
          api.get('/dashboard', { area: this.areaCode, year: this.year }),
          loadEcharts(),
        ]);
        if (seq !== this.seq) return;
        this.data = d;
        await this.$nextTick();
        this.draw();
      } catch (e) {
        if (seq === this.seq) this.error = e.message || '加载失败';
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    openLink(ev, link) {
      if (!link) {
        ev.preventDefault();
        return;
      }
      // The list pages follow the current area, which is already the dashboard's.
      ev.preventDefault();
      location.hash = link;
    },
    drill(row) {
      const child = { code: row.code, name: row.name, level: (this.data.level || 3) + 1, leaf: this.data.level >= 4 };
      selectArea(child, [...store.areaPath, child], false);
    },
    chart(ref) {
      const el = this.$refs[ref];
      if (!el) return null;
      let c = this.charts[ref];
      if (c && c.getDom() !== el) {
        c.dispose();
        c = null;
      }
      if (!c) {
        c = markRaw(window.echarts.init(el));
        this.charts[ref] = c;
      }
      return c;
    },
    draw() {
      const s = this.data.series;
      const small = this.narrow;
      const grid = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true };
      const types = [...s.by_type, ...s.by_category];
      const tc = this.chart('types');
      tc.setOption({
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid,
        xAxis: { type: 'category', data: types.map((t) => t.name), axisLabel: { interval: 0, rotate: small ? 30 : 0 } },
        yAxis: { type: 'value' },
        series: [
          { name: '户数', type: 'bar', data: types.map((t) => t.households), itemStyle: { color: RED } },
          { name: '人数', type: 'bar', data: types.map((t) => t.persons), itemStyle: { color: BLUE } },
        ],
      }, true);
      tc.off('click');
      tc.on('click', (p) => { if (types[p.dataIndex]) location.hash = types[p.dataIndex].link; });

      const fc = this.chart('funnel');
      fc.setOption({
        tooltip: { trigger: 'item', formatter: '{b}：{c}户' },
        series: [{
          type: 'funnel', sort: 'none', left: '8%', width: '84%', top: 8, bottom: 8, minSize: '20%',
          label: { show: true, position: 'inside', formatter: '{b} {c}', color: '#fff' },
          data: s.funnel.map((f, i) => ({ name: f.name, value: f.value, itemStyle: { color: [BLUE, GOLD, RED, '#2e8b57'][i] } })),
        }],
      }, true);
      fc.off('click');
      fc.on('click', (p) => { const f = s.funnel[p.dataIndex]; if (f && f.link) location.hash = f.link; });

      const h = s.income_histogram;
      const bins = h.bins.filter((b) => !b.negative);
      const mid = (b) => b.from + h.bin_yuan / 2;
      const ic = this.chart('income');
      const line = h.line_yuan === null ? [] : [{ xAxis: h.line_yuan, name: '监测线' }];
      ic.setOption({
        tooltip: {
          trigger: 'axis',
          formatter: (ps) => {
            const b = bins[ps[0].dataIndex];
            const range = b.to === null ? `${b.from}元以上` : `${b.from}–${b.to}元`;
            return [range, ...ps.map((p) => `${p.seriesName}：${p.value[1]}户`)].join('<br>');
          },
        },
        legend: { top: 0 },
        grid: { ...grid, bottom: 24 },
        xAxis: { type: 'value', name: '元', min: 0, max: bins.length * h.bin_yuan, axisLabel: { formatter: (v) => (v >= 10000 ? v / 10000 + '万' : v) } },
        yAxis: { type: 'value', name: '户', minInterval: 1 },
        series: [
          { name: '脱贫户', type: 'bar', barGap: '-100%', barWidth: '60%', data: bins.map((b) => [mid(b), b.tuopin]), itemStyle: { color: BLUE, opacity: 0.75 },
            markLine: { symbol: 'none', lineStyle: { color: RED, width: 2 }, label: { formatter: '监测线 {c}元', color: RED }, data: line } },
          { name: '监测户', type: 'bar', barWidth: '60%', data: bins.map((b) => [mid(b), b.monitored]), itemStyle: { color: GOLD, opacity: 0.85 } },
        ],
      }, true);

      if (this.children.length) {
        const rows = [...this.children].sort((a, b) => a.code.localeCompare(b.code));
        const cc = this.chart('children');
        cc.setOption({
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          legend: { top: 0 },
          grid,
          yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisLabel: { width: small ? 72 : 120, overflow: 'truncate' } },
          xAxis: { type: 'value', minInterval: 1 },
          series: [
            { name: '脱贫户', type: 'bar', data: rows.map((r) => r.tuopin_households), itemStyle: { color: BLUE } },
            { name: '监测户', type: 'bar', data: rows.map((r) => r.monitored_households), itemStyle: { color: RED } },
          ],
        }, true);
        cc.resize();
        cc.off('click');
        cc.on('click', (p) => { if (rows[p.dataIndex]) this.drill(rows[p.dataIndex]); });
      } else if (this.charts.children) {
        this.charts.children.dispose();
        delete this.charts.children;
      }
    },
  },
};
