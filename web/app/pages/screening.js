// #/screening — 排查: run the screening rules over the current area for a year,
// then the candidates with the rules that fired (tags with Chinese names) and
// their reasons, counts per rule (a filter), and the households without an
// income survey listed apart. A candidate starts a 识别纳入 case.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime, formatCount } from '../util.js';
import { useMonitoringStyle, defaultYear, yearOptions, loadRules, ruleName, ruleType, isCadre } from '../monitoring-ui.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

export default {
  name: 'ScreeningPage',
  template: `
  <div class="zx-page" data-testid="page-screening">
    <div class="zx-page-head">
      <h2 class="zx-page-title">排查<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span></h2>
      <div class="zx-toolbar">
        <el-select v-model="year" class="zx-mon-year" @change="loadLatest" data-testid="screen-year">
          <el-option v-for="y in years" :key="y" :label="y + '年度'" :value="y"></el-option>
        </el-select>
        <el-button type="primary" :loading="running" @click="run" :disabled="!area" data-testid="screen-run">
          <el-icon><Search /></el-icon><span>运行排查</span>
        </el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card zx-gap-b" v-if="scr" data-testid="screen-summary">
      <div class="zx-mon-summary">
        <div v-if="scr.screened !== undefined"><span class="zx-muted">排查户数</span> <b data-testid="screen-screened">{{ fmt(scr.screened) }}</b></div>
        <div><span class="zx-muted">疑似对象</span> <b class="zx-mon-red" data-testid="screen-candidates">{{ fmt(scr.candidates) }}</b> 户</div>
        <div><span class="zx-muted">未采集收入</span> <b data-testid="screen-missing">{{ fmt(scr.missing_income) }}</b> 户</div>
        <div class="zx-muted">参数第 {{ scr.policy_version }} 版 · {{ scr.created_by }} {{ time(scr.created_at) }}</div>
      </div>
      <div class="zx-mon-rules" data-testid="screen-counts">
        <el-check-tag v-for="(n, id) in scr.counts" :key="id" :checked="rule === id" @change="pickRule(id)"
                      :data-testid="'count-' + id">{{ ruleName(id) }} <b>{{ fmt(n) }}</b></el-check-tag>
      </div>
    </el-card>
    <el-empty v-else-if="!loading" :description="area ? '本年度尚未排查，点击“运行排查”' : '请选择区域'" :image-size="70"></el-empty>
    <el-card shadow="never" class="zx-card" v-if="scr">
      <el-tabs v-model="tab" @tab-change="reload">
        <el-tab-pane :label="'疑似对象 ' + fmt(scr.candidates)" name="candidates"></el-tab-pane>
        <el-tab-pane :label="'未采集收入 ' + fmt(scr.missing_income)" name="missing"></el-tab-pane>
      </el-tabs>
      <div v-if="rule && tab === 'candidates'" class="zx-gap-b">
        <el-tag closable @close="pickRule(rule)">{{ ruleName(rule) }}</el-tag>
      </div>
      <el-table :data="items" v-loading="loading" stripe :empty-text="tab === 'missing' ? '没有未采集收入的农户' : '没有疑似对象'"
                data-testid="screen-table">
        <el-table-column label="户主 / 户编号" :min-width="narrow ? 200 : 150">
          <template #default="{ row }">
            <div><a class="zx-mon-link" role="link" tabindex="0" @click="openHh(row)" @keydown.enter="openHh(row)">{{ row.head_name }}</a>
              <span v-if="narrow" class="zx-muted"> {{ row.group }}</span></div>
            <div class="zx-mono zx-muted">{{ row.household }}</div>
            <template v-if="narrow && tab === 'candidates'">
              <div class="zx-mon-tags">
                <el-tag v-for="r in row.rules" :key="r" :type="ruleType(r)" size="small" effect="light" :data-testid="'rule-' + r">{{ ruleName(r) }}</el-tag>
              </div>
              <div v-for="(s, i) in row.reasons" :key="i" class="zx-mon-reason" data-testid="reason">{{ s }}</div>
            </template>
          </template>
        </el-table-column>
        <el-table-column label="村 / 组" min-width="110" v-if="!narrow">
          <template #default="{ row }">{{ row.village }}<span v-if="row.group" class="zx-muted zx-mon-grp">{{ row.group }}</span></template>
        </el-table-column>
        <el-table-column v-if="tab === 'candidates' && !narrow" label="触发规则与原因" min-width="260">
          <template #default="{ row }">
            <div class="zx-mon-tags">
              <el-tag v-for="r in row.rules" :key="r" :type="ruleType(r)" size="small" effect="light" :data-testid="'rule-' + r">{{ ruleName(r) }}</el-tag>
            </div>
            <div v-for="(s, i) in row.reasons" :key="i" class="zx-mon-reason" data-testid="reason">{{ s }}</div>
          </template>
        </el-table-column>
        <el-table-column v-if="tab === 'candidates'" label="识别纳入" :width="narrow ? 86 : 110">
          <template #default="{ row }">
            <el-button v-if="row.case_id" link type="primary" @click="openCase(row.case_id)" :data-testid="'case-open-' + row.household">查看流程</el-button>
            <el-button v-else-if="mayStart" size="small" type="warning" @click="start(row)" :data-testid="'case-start-' + row.household">发起识别</el-button>
          </template>
        </el-table-column>
        <el-table-column v-else label="" width="100">
          <template #default="{ row }">
            <el-button link type="primary" @click="openIncome(row)">采集收入</el-button>
          </template>
        </el-table-column>
      </el-table>
      <div class="zx-pager">
        <el-pagination v-model:current-page="page" :page-size="perPage" :total="total" background :pager-count="5"
                       layout="total, prev, pager, next" @current-change="loadItems"></el-pagination>
      </div>
    </el-card>
  </div>`,
  data() {
    return {
      year: defaultYear(), years: yearOptions(), scr: null, items: [], total: 0, page: 1, perPage: 20,
      tab: 'candidates', rule: '', loading: false, running: false, seq: 0,
    };
  },
  computed: {
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    narrow() { return store.narrow; },
    mayStart() { return isCadre(); },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) this.loadLatest(); } },
  },
  created() {
    useMonitoringStyle();
    loadRules().then(() => { this.$forceUpdate(); });
  },
  methods: {
    fmt: formatCount,
    time: formatTime,
    ruleName,
    ruleType,
    async loadLatest() {
      const seq = ++this.seq;
      this.loading = true;
      try {
        const res = await api.get('/screenings', { area: this.areaCode, year: this.year, per_page: 1 }, { quiet: true });
        if (seq !== this.seq) return;
        const s = (res.items || [])[0];
        // Only a run of exactly this area (a town's list also holds its villages' runs).
        this.scr = s && s.area_code === this.areaCode ? s : null;
        this.reload();
      } catch (_) {
        if (seq === this.seq) this.scr = null;
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    async run() {
      this.running = true;
      try {
        const res = await api.post('/screenings', { area: this.areaCode, year: this.year });
        this.scr = res.screening;
        this.rule = '';
        this.tab = 'candidates';
        ElMessage.success(`排查完成：疑似对象 ${res.screening.candidates} 户，未采集收入 ${res.screening.missing_income} 户`);
        this.reload();
      } catch (_) {
        // Shown by the api wrapper (e.g. no policy for the year).
      } finally {
        this.running = false;
      }
    },
    pickRule(id) {
      this.rule = this.rule === id ? '' : id;
      this.tab = 'candidates';
      this.reload();
    },
    reload() {
      this.page = 1;
      this.loadItems();
    },
    async loadItems() {
      if (!this.scr) { this.items = []; this.total = 0; return; }
      const seq = ++this.seq;
      this.loading = true;
      const params = { page: this.page, per_page: this.perPage };
      if (this.tab === 'missing') params.missing = 1;
      else if (this.rule) params.rule = this.rule;
      try {
        const res = await api.get('/screenings/' + this.scr.id, params);
        if (seq !== this.seq) return;
        this.items = res.items || [];
        this.total = res.total || 0;
      } catch (_) {
        if (seq === this.seq) { this.items = []; this.total = 0; }
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    openHh(row) { location.hash = '#/household/' + encodeURIComponent(row.household); },
    openIncome(row) { location.hash = '#/income/' + encodeURIComponent(row.household); },
    openCase(id) { location.hash = '#/case/' + id; },
    async start(row) {
      try {
        await ElMessageBox.confirm(`为 ${row.head_name} 户发起识别纳入？原因：${row.reasons.join('；')}`, '发起识别纳入',
          { confirmButtonText: '发起', cancelButtonText: '取消', type: 'info' });
      } catch (_) {
        return;
      }
      try {
        const res = await api.post('/cases', { household: row.household, source: 'screening', screening_id: this.scr.id });
        ElMessage.success('已发起识别纳入流程');
        this.openCase(res.case.id);
      } catch (_) {
        // Shown by the api wrapper.
      }
    },
  },
};
