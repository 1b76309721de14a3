// #/income and #/income/<户编号> — 收入采集: a household's five income figures for
// a year, 人均纯收入 computed as they are typed, last year's figure and the growth
// beside it. Reached from the menu (enter a 户编号) or from the household page.
import { api } from '../api.js';
import { store, canEditRegistry } from '../store.js';
import { formatTime } from '../util.js';
import { useMonitoringStyle, defaultYear, yearOptions, money, moneyOk, toFen, divRound } from '../monitoring-ui.js';

const { ElMessage } = window.ElementPlus;

const FIELDS = [
  { key: 'wage', name: '工资性收入' },
  { key: 'business', name: '生产经营性收入' },
  { key: 'property', name: '财产性收入' },
  { key: 'transfer', name: '转移性收入' },
  { key: 'expense', name: '生产经营性支出' },
];

function hhOfHash() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const m = path.match(/^\/income\/(.+)$/);
  return m ? decodeURIComponent(m[1]) : '';
}

export default {
  name: 'IncomePage',
  template: `
  <div class="zx-page" data-testid="page-income">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        <el-button v-if="fromHousehold" link @click="back" class="zx-back" title="返回农户详情" data-testid="income-back">
          <el-icon :size="18"><ArrowLeft /></el-icon>
        </el-button>
        收入采集<span class="zx-page-title-sub" v-if="hh">{{ hh.head_name }} 户 · <span class="zx-mono">{{ hh.hh_no }}</span></span>
      </h2>
    </div>
    <el-card shadow="never" class="zx-card zx-gap-b">
      <div class="zx-filters">
        <el-input v-model.trim="hhNo" placeholder="户编号" clearable class="zx-search" maxlength="32"
                  @keyup.enter="open" data-testid="income-hh"></el-input>
        <el-select v-model="year" class="zx-mon-year" @change="open" data-testid="income-year">
          <el-option v-for="y in years" :key="y" :label="y + '年度'" :value="y"></el-option>
        </el-select>
        <el-button type="primary" @click="open" data-testid="income-open"><el-icon><Search /></el-icon><span>查询</span></el-button>
      </div>
    </el-card>
    <el-empty v-if="error" :description="error" data-testid="income-missing"></el-empty>
    <el-card v-else-if="hh" shadow="never" class="zx-card" v-loading="loading" data-testid="income-card">
      <template #header>
        <div class="zx-card-head">
          <span>{{ year }} 年度收入 <span class="zx-muted">家庭人口 {{ size }} 人 · {{ hh.hh_type }}<template v-if="hh.category"> · {{ hh.category }}</template></span></span>
          <span class="zx-muted" v-if="survey">最后更新 {{ survey.updated_by }} {{ time(survey.updated_at) }}</span>
          <el-tag v-else type="info" size="small" data-testid="income-none">未采集</el-tag>
        </div>
      </template>
      <div class="zx-mon-income">
        <el-form label-width="160px" class="zx-mon-income-form" @submit.prevent>
          <el-form-item v-for="f in fields" :key="f.key" :label="f.name + '（元）'" :error="bad[f.key] ? '金额应为不小于 0 的数字，最多两位小数' : ''">
            <el-input v-model.trim="form[f.key]" :name="f.key" inputmode="decimal" :disabled="!mayEdit"
                      :data-testid="'income-' + f.key" placeholder="0"></el-input>
            <span class="zx-muted zx-mon-prev" v-if="prev">上年 {{ money(prev[f.key]) }}</span>
          </el-form-item>
          <el-form-item v-if="mayEdit">
            <el-button type="primary" :loading="saving" @click="save" data-testid="income-save">保存</el-button>
          </el-form-item>
        </el-form>
        <div class="zx-mon-income-sum">
          <div class="zx-mon-param">
            <div class="zx-muted">人均纯收入（本年）</div>
            <div class="zx-mon-param-v" data-testid="income-pc">{{ pcDisplay }} <small>元</small></div>
            <div class="zx-muted">纯收入 {{ money(netYuan) }} 元 ÷ {{ size }} 人</div>
          </div>
          <div class="zx-mon-param">
            <div class="zx-muted">人均纯收入（{{ year - 1 }} 年）</div>
            <div class="zx-mon-param-v" data-testid="income-prev-pc">{{ prev ? yuan(prev.net_per_capita_display) : '—' }} <small v-if="prev">元</small></div>
            <div class="zx-muted" v-if="!prev">上年未采集</div>
          </div>
          <div class="zx-mon-param" v-if="growth !== null">
            <div class="zx-muted">同比增长</div>
            <div class="zx-mon-param-v" :class="{ 'zx-mon-down': growth < 0 }" data-testid="income-growth">{{ growthText }}%</div>
          </div>
        </div>
      </div>
    </el-card>
    <el-empty v-else description="输入户编号查询一户的收入" :image-size="70"></el-empty>
  </div>`,
  data() {
    return {
      hhNo: hhOfHash(), fromHousehold: !!hhOfHash(), year: defaultYear(), years: yearOptions(),
      hh: null, survey: null, prev: null, serverGrowth: null, form: {}, loading: false, saving: false, error: '',
      fields: FIELDS,
    };
  },
  computed: {
    mayEdit() { return canEditRegistry(); },
    size() { return (this.survey && this.survey.size) || (this.hh && this.hh.size) || 0; },
    bad() {
      const out = {};
      for (const f of FIELDS) {
        const v = this.form[f.key];
        out[f.key] = v !== undefined && v !== '' && !moneyOk(v);
      }
      return out;
    },
    netFen() {
      let sum = 0;
      for (const f of FIELDS) {
        const v = this.form[f.key];
        if (v && !moneyOk(v)) return null;
        const fen = v ? toFen(v) : 0;
        sum += f.key === 'expense' ? -fen : fen;
      }
      return sum;
    },
    netYuan() { return this.netFen === null ? null : this.netFen / 100; },
    // 元, 0 decimals, half away from zero (as the server rounds).
    pcDisplay() {
      if (this.netFen === null || !this.size) return '—';
      return divRound(this.netFen, this.size * 100).toLocaleString('zh-CN');
    },
    growth() {
      if (!this.prev || !(Number(this.prev.net) > 0) || this.netFen === null || !this.size) return null;
      const last = Number(this.prev.net) * 100 / this.prev.size;
      const cur = this.netFen / this.size;
      return Math.round(((cur - last) / last) * 1000) / 10;
    },
    growthText() {
      if (this.serverGrowth !== null && this.survey && this.unchanged) return this.serverGrowth;
      return this.growth.toFixed(1);
    },
    unchanged() {
      return !!this.survey && FIELDS.every((f) => toFen(this.form[f.key] || '0') === toFen(this.survey[f.key]));
    },
  },
  created() {
    useMonitoringStyle();
    if (this.hhNo) this.open();
  },
  methods: {
    money,
    time: formatTime,
    yuan(s) { return Number(s).toLocaleString('zh-CN'); },
    back() { location.hash = '#/household/' + encodeURIComponent(this.hhNo); },
    fill(res) {
      this.hh = res.household;
      this.survey = res.survey;
      this.prev = res.previous;
      this.serverGrowth = res.growth_percent;
      const s = res.survey || {};
      const form = {};
      for (const f of FIELDS) form[f.key] = s[f.key] !== undefined ? String(Number(s[f.key])) : '';
      this.form = form;
    },
    async open() {
      if (!this.hhNo) return;
      this.loading = true;
      this.error = '';
      const hhNo = this.hhNo;
      try {
        const res = await api.get(`/households/${encodeURIComponent(hhNo)}/income/${this.year}`, null, { quiet: true });
        this.fill(res);
      } catch (e) {
        this.hh = null;
        this.error = e.status === 404 ? '农户不存在或不在您的管辖范围内' : e.message;
      } finally {
        this.loading = false;
      }
    },
    async save() {
      if (FIELDS.some((f) => this.bad[f.key])) {
        ElMessage.warning('请检查金额：不小于 0，最多两位小数');
        return;
      }
      const body = {};
      for (const f of FIELDS) body[f.key] = this.form[f.key] || '0';
      this.saving = true;
      try {
        const res = await api.put(`/households/${encodeURIComponent(this.hh.hh_no)}/income/${this.year}`, body);
        this.fill(res);
        ElMessage.success(`已保存 ${this.year} 年度收入：人均纯收入 ${res.survey.net_per_capita_display} 元`);
      } catch (_) {
        // Shown by the api wrapper.
      } finally {
        this.saving = false;
      }
    },
  },
};
