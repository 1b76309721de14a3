// #/policy — 政策参数: the monitoring parameters in force for a year (监测线,
// 预警带系数, 收入降幅阈值, 医保自付阈值) and every version set for the county and
// its province; county admins set a new version for a year.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import { useMonitoringStyle, defaultYear, yearOptions, money, moneyOk, isCountyAdmin } from '../monitoring-ui.js';

const { ElMessage } = window.ElementPlus;

export default {
  name: 'PolicyPage',
  template: `
  <div class="zx-page" data-testid="page-policy">
    <div class="zx-page-head">
      <h2 class="zx-page-title">政策参数<span class="zx-page-title-sub">防返贫动态监测</span></h2>
      <div class="zx-toolbar">
        <el-select v-model="year" class="zx-mon-year" @change="load" data-testid="policy-year">
          <el-option v-for="y in years" :key="y" :label="y + '年度'" :value="y"></el-option>
        </el-select>
        <el-button v-if="mayEdit" type="primary" @click="openEdit" data-testid="policy-edit">
          <el-icon><Edit /></el-icon><span>设置参数</span>
        </el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card zx-gap-b" data-testid="policy-effective" v-loading="loading">
      <template #header>
        <div class="zx-card-head"><span>{{ year }} 年度生效参数</span>
          <span class="zx-muted" v-if="eff">{{ eff.area_name }} · 第 {{ eff.version }} 版</span></div>
      </template>
      <el-empty v-if="!eff" :description="effError || '本年度尚未设置监测参数'" :image-size="60"></el-empty>
      <div v-else class="zx-mon-params">
        <div class="zx-mon-param"><div class="zx-muted">监测线</div>
          <div class="zx-mon-param-v" data-testid="eff-income-line">{{ money(eff.income_line) }} <small>元/人·年</small></div></div>
        <div class="zx-mon-param"><div class="zx-muted">预警带系数</div>
          <div class="zx-mon-param-v">× {{ eff.warning_factor }}</div>
          <div class="zx-muted">预警线 {{ money(eff.warning_line) }} 元</div></div>
        <div class="zx-mon-param"><div class="zx-muted">收入降幅阈值</div>
          <div class="zx-mon-param-v">{{ eff.drop_percent }}%</div></div>
        <div class="zx-mon-param"><div class="zx-muted">医保个人自付阈值</div>
          <div class="zx-mon-param-v">{{ money(eff.medical_selfpay) }} <small>元</small></div>
          <div class="zx-muted" v-if="eff.medical_selfpay_ratio">或 ≥ 年收入 {{ eff.medical_selfpay_ratio }}%</div></div>
      </div>
    </el-card>
    <el-card shadow="never" class="zx-card">
      <template #header><div class="zx-card-head"><span>参数版本</span><span class="zx-muted">新版本不改变已完成排查所用的版本</span></div></template>
      <el-table :data="items" stripe data-testid="policy-table" empty-text="暂无参数版本">
        <el-table-column prop="year" label="年度" width="70"></el-table-column>
        <el-table-column prop="area_name" label="区划" min-width="90"></el-table-column>
        <el-table-column label="版本" width="60"><template #default="{ row }">{{ row.version }}</template></el-table-column>
        <el-table-column label="监测线(元)" min-width="90" align="right"><template #default="{ row }">{{ money(row.income_line) }}</template></el-table-column>
        <template v-if="!narrow">
          <el-table-column label="预警带系数" min-width="90" align="right"><template #default="{ row }">{{ row.warning_factor }}</template></el-table-column>
          <el-table-column label="降幅阈值" min-width="80" align="right"><template #default="{ row }">{{ row.drop_percent }}%</template></el-table-column>
          <el-table-column label="医保自付(元)" min-width="100" align="right"><template #default="{ row }">{{ money(row.medical_selfpay) }}</template></el-table-column>
          <el-table-column prop="created_by" label="设置人" min-width="90"></el-table-column>
          <el-table-column label="设置时间" min-width="140"><template #default="{ row }">{{ time(row.created_at) }}</template></el-table-column>
        </template>
      </el-table>
    </el-card>

    <el-dialog v-model="editing" title="设置监测参数" width="min(520px, 94vw)" data-testid="policy-dialog" append-to-body>
      <el-form :model="form" label-width="130px" label-position="right" class="zx-mon-form" @submit.prevent>
        <el-form-item label="年度">
          <el-select v-model="form.year" class="zx-full"><el-option v-for="y in years" :key="y" :label="y + '年度'" :value="y"></el-option></el-select>
        </el-form-item>
        <el-form-item label="监测线（元）" required>
          <el-input v-model.trim="form.income_line" name="income_line" inputmode="decimal" placeholder="如 7000"></el-input>
        </el-form-item>
        <el-form-item label="预警带系数">
          <el-input v-model.trim="form.warning_factor" name="warning_factor" inputmode="decimal" placeholder="如 1.5"></el-input>
        </el-form-item>
        <el-form-item label="收入降幅阈值（%）">
          <el-input v-model.trim="form.drop_percent" name="drop_percent" inputmode="numeric" placeholder="如 30"></el-input>
        </el-form-item>
        <el-form-item label="医保自付阈值（元）">
          <el-input v-model.trim="form.medical_selfpay" name="medical_selfpay" inputmode="decimal" placeholder="如 5000"></el-input>
        </el-form-item>
        <el-form-item label="自付占年收入（%）">
          <el-input v-model.trim="form.medical_selfpay_ratio" name="medical_selfpay_ratio" inputmode="numeric" placeholder="如 50，可不填"></el-input>
        </el-form-item>
        <div class="zx-muted">保存后生成新版本；之后的排查使用新版本。</div>
      </el-form>
      <template #footer>
        <el-button @click="editing = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="save" data-testid="policy-save">保存</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return {
      year: defaultYear(), years: yearOptions(), items: [], eff: null, effError: '', loading: false,
      editing: false, saving: false, form: {},
    };
  },
  computed: {
    narrow() { return store.narrow; },
    mayEdit() { return isCountyAdmin(); },
  },
  created() {
    useMonitoringStyle();
    this.load();
  },
  methods: {
    money,
    time: formatTime,
    async load() {
      this.loading = true;
      const year = this.year;
      try {
        const [list, eff] = await Promise.all([
          api.get('/policies', null, { quiet: true }).catch(() => ({ items: [] })),
          api.get('/policies/effective', { year }, { quiet: true }).catch((e) => ({ error: e })),
        ]);
        if (year !== this.year) return;
        this.items = (list.items || []).slice().sort((a, b) => b.year - a.year || b.version - a.version);
        this.eff = eff.policy || null;
        this.effError = eff.error ? eff.error.message : '';
      } finally {
        this.loading = false;
      }
    },
    openEdit() {
      const p = this.eff || {};
      this.form = {
        year: this.year,
        income_line: p.income_line ? String(Number(p.income_line)) : '',
        warning_factor: p.warning_factor ? String(Number(p.warning_factor)) : '1.5',
        drop_percent: p.drop_percent !== undefined ? String(p.drop_percent) : '30',
        medical_selfpay: p.medical_selfpay ? String(Number(p.medical_selfpay)) : '5000',
        medical_selfpay_ratio: p.medical_selfpay_ratio ? String(p.medical_selfpay_ratio) : '',
      };
      this.editing = true;
    },
    async save() {
      const f = this.form;
      if (!moneyOk(f.income_line) || Number(f.income_line) <= 0) {
        ElMessage.warning('请填写监测线（元，最多两位小数）');
        return;
      }
      if (f.warning_factor && !/^\d{1,3}(\.\d{1,3})?$/.test(f.warning_factor)) {
        ElMessage.warning('预警带系数应为数字，最多三位小数，如 1.5');
        return;
      }
      for (const [k, name] of [['drop_percent', '收入降幅阈值'], ['medical_selfpay_ratio', '自付占年收入比例']]) {
        if (f[k] && !/^\d{1,3}$/.test(f[k])) {
          ElMessage.warning(name + '应为整数百分比');
          return;
        }
      }
      if (f.medical_selfpay && !moneyOk(f.medical_selfpay)) {
        ElMessage.warning('医保自付阈值应为金额（元，最多两位小数）');
        return;
      }
      const body = { area: store.user.area_code, year: f.year, income_line: f.income_line };
      if (f.warning_factor) body.warning_factor = f.warning_factor;
      if (f.drop_percent) body.drop_percent = Number(f.drop_percent);
      if (f.medical_selfpay) body.medical_selfpay = f.medical_selfpay;
      if (f.medical_selfpay_ratio) body.medical_selfpay_ratio = Number(f.medical_selfpay_ratio);
      this.saving = true;
      try {
        const res = await api.post('/policies', body);
        ElMessage.success(`已保存 ${res.policy.year} 年度第 ${res.policy.version} 版参数`);
        this.editing = false;
        this.year = res.policy.year;
        await this.load();
      } catch (_) {
        // Shown by the api wrapper.
      } finally {
        this.saving = false;
      }
    },
  },
};
