// #/indicators — 指标与目标: every indicator of the area picked in the tree for a year and
// period, its target, the actual value counted from the ledgers and the completion bar.
// County and town admins set targets (a value, or for a dated milestone a share of the
// year target); county admins define indicators (a ledger aggregate with an optional
// filter, or a registry figure).
import { api } from '../api.js';
import { store } from '../store.js';
import { PERIODS, years, thisYear, bar } from '../indicator-nav.js';

const { ElMessage } = window.ElementPlus;

const AGGS = [
  { value: 'count', label: '条数' }, { value: 'sum_amount', label: '金额合计' },
  { value: 'sum_quantity', label: '数量合计' }, { value: 'count_person', label: '人数（去重）' },
];
const KINDS = [
  ['project', '项目与资金'], ['subsidy', '产业奖补'], ['microloan', '小额信贷'], ['public_post', '公益性岗位'],
  ['employment', '务工就业'], ['collective', '村集体经济'], ['inspection', '巡查'], ['milestone', '里程碑'],
];
const UNITS = ['万元', '元', '人', '次', '个', '户', '亩', '%', '件', '项', '公里'];

function emptyDef() {
  return { key: '', name: '', unit: '次', source: 'ledger', ledger_kind: 'inspection', agg: 'count', filter_field: '',
    filter_value: '', figure: '', weight: 10, higher_better: true };
}

export default {
  name: 'IndicatorsPage',
  template: `
  <div class="zx-page" data-testid="page-indicators">
    <div class="zx-page-head">
      <h2 class="zx-page-title">指标与目标<span class="zx-page-title-sub" v-if="areaName">{{ areaName }}</span></h2>
      <div class="zx-toolbar">
        <el-select v-model="year" style="width: 110px" data-testid="ind-year" @change="load">
          <el-option v-for="y in yearList" :key="y" :label="y + '年'" :value="y"></el-option>
        </el-select>
        <el-select v-model="period" style="width: 130px" data-testid="ind-period" @change="load" filterable allow-create
                   placeholder="考核期">
          <el-option v-for="p in periods" :key="p.code" :label="p.label" :value="p.code"></el-option>
        </el-select>
        <el-date-picker v-model="asOf" value-format="YYYY-MM-DD" placeholder="统计截至（可选）" style="width: 170px"
                        data-testid="ind-asof" @change="load"></el-date-picker>
        <el-button v-if="mayDefine" @click="openDefine()" data-testid="ind-define">定义指标</el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card">
      <div class="zx-muted" v-if="periodInfo" style="margin-bottom: 8px">{{ periodInfo.label }}（{{ periodInfo.start }} 至 {{ periodInfo.end }}），完成值按台账自动统计</div>
      <el-table :data="items" v-loading="loading" stripe empty-text="暂无指标" data-testid="ind-table">
        <el-table-column label="指标" min-width="160">
          <template #default="{ row }">
            <div class="zx-cell-main">{{ row.name }}</div>
            <div class="zx-muted">{{ sourceText(row) }}</div>
          </template>
        </el-table-column>
        <el-table-column label="目标" min-width="120" align="right">
          <template #default="{ row }">
            <span :data-testid="'ind-target-' + row.key">{{ row.target == null ? '未设' : row.target + row.unit }}</span>
            <div class="zx-muted" v-if="row.share_pct">年度目标的 {{ row.share_pct }}%</div>
          </template>
        </el-table-column>
        <el-table-column label="完成" min-width="110" align="right">
          <template #default="{ row }"><span :data-testid="'ind-actual-' + row.key">{{ row.actual == null ? '—' : row.actual + row.unit }}</span></template>
        </el-table-column>
        <el-table-column label="完成率" min-width="190">
          <template #default="{ row }">
            <div v-if="row.completion_pct != null" :data-testid="'ind-pct-' + row.key">
              <el-progress :percentage="bar(row.completion)" :stroke-width="12" :color="row.completion >= 1 ? '#67c23a' : ''"
                           :format="() => row.completion_pct + '%'"></el-progress></div>
            <span v-else class="zx-muted">—</span>
          </template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="权重" width="70" align="right" prop="weight"></el-table-column>
        <el-table-column v-if="maySet" label="" width="90">
          <template #default="{ row }">
            <el-button link type="primary" @click="openTarget(row)" :data-testid="'ind-set-' + row.key">设目标</el-button>
          </template>
        </el-table-column>
      </el-table>
    </el-card>

    <el-dialog v-model="targetOpen" :title="'设置目标：' + (t.name || '')" width="460px" :fullscreen="narrow" data-testid="ind-target-dialog">
      <el-form label-position="top">
        <el-form-item label="区域 / 考核期"><span>{{ areaName }} · {{ periodInfo && periodInfo.label }}</span></el-form-item>
        <el-form-item v-if="milestone" label="方式">
          <el-radio-group v-model="t.mode"><el-radio-button value="value">目标值</el-radio-button>
            <el-radio-button value="share">年度目标比例</el-radio-button></el-radio-group>
        </el-form-item>
        <el-form-item v-if="t.mode === 'value'" :label="'目标值（' + t.unit + '）'">
          <el-input v-model="t.value" data-testid="ind-target-value"></el-input>
        </el-form-item>
        <el-form-item v-else label="占年度目标（%）"><el-input v-model="t.share" data-testid="ind-target-share"></el-input></el-form-item>
      </el-form>
      <template #footer>
        <el-button v-if="t.had" type="danger" plain @click="removeTarget">删除目标</el-button>
        <el-button @click="targetOpen = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="saveTarget" data-testid="ind-target-save">保存</el-button>
      </template>
    </el-dialog>

    <el-dialog v-model="defOpen" title="定义考核指标" width="520px" :fullscreen="narrow" data-testid="ind-def-dialog">
      <el-form label-position="top" class="zx-edit-form">
        <el-form-item label="指标代码（小写字母、数字、下划线）" required><el-input v-model="d.key" maxlength="40"></el-input></el-form-item>
        <el-form-item label="名称" required><el-input v-model="d.name" maxlength="30"></el-input></el-form-item>
        <el-form-item label="计量单位"><el-select v-model="d.unit"><el-option v-for="u in units" :key="u" :value="u" :label="u"></el-option></el-select></el-form-item>
        <el-form-item label="数据来源">
          <el-radio-group v-model="d.source"><el-radio-button value="ledger">台账统计</el-radio-button>
            <el-radio-button value="figure">数据指标</el-radio-button></el-radio-group>
        </el-form-item>
        <template v-if="d.source === 'ledger'">
          <el-form-item label="台账"><el-select v-model="d.ledger_kind"><el-option v-for="k in kinds" :key="k[0]" :value="k[0]" :label="k[1]"></el-option></el-select></el-form-item>
          <el-form-item label="统计方式"><el-select v-model="d.agg"><el-option v-for="a in aggs" :key="a.value" :value="a.value" :label="a.label"></el-option></el-select></el-form-item>
          <el-form-item label="筛选（可选）：字段 = 值">
            <el-input v-model="d.filter_field" placeholder="status / category / 字段代码" style="width: 48%"></el-input>
            <el-input v-model="d.filter_value" placeholder="如 巡河" style="width: 48%; margin-left: 4%"></el-input>
          </el-form-item>
        </template>
        <el-form-item v-else label="数据指标名（如 monitored_households）"><el-input v-model="d.figure"></el-input></el-form-item>
        <el-form-item label="排名权重（0–100）"><el-input-number v-model="d.weight" :min="0" :max="100"></el-input-number></el-form-item>
        <el-form-item><el-checkbox v-model="d.higher_better">数值越大越好</el-checkbox></el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="defOpen = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="saveDefine">保存</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return { year: thisYear(), period: 'Y', asOf: '', items: [], periodInfo: null, loading: false, maySet: false,
      mayDefine: false, targetOpen: false, defOpen: false, saving: false,
      t: {}, d: emptyDef(), yearList: years(), periods: PERIODS, units: UNITS, kinds: KINDS, aggs: AGGS };
  },
  computed: {
    narrow() { return store.narrow; },
    areaCode() { return store.area ? store.area.code : ''; },
    areaName() { return store.area ? store.area.name : ''; },
    milestone() { return !!this.periodInfo && this.periodInfo.code.startsWith('D'); },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) this.load(); } },
  },
  methods: {
    bar,
    sourceText(row) {
      if (row.source === 'figure') return '数据指标 ' + row.figure;
      const kind = (KINDS.find((k) => k[0] === row.ledger_kind) || [0, row.ledger_kind])[1];
      const agg = (AGGS.find((a) => a.value === row.agg) || { label: row.agg }).label;
      const filter = row.filter_field ? `（${row.filter_field} = ${row.filter_value}）` : '';
      return `${kind}台账 · ${agg}${filter}${row.higher_better ? '' : ' · 越少越好'}`;
    },
    async load() {
      this.loading = true;
      try {
        const r = await api.get('/indicators', { area: this.areaCode, year: this.year, period: this.period, as_of: this.asOf });
        this.items = r.items || [];
        this.periodInfo = r.period;
        this.maySet = !!r.may_set_targets;
        this.mayDefine = !!r.may_define;
      } catch (_) {
        this.items = [];
      } finally {
        this.loading = false;
      }
    },
    openTarget(row) {
      this.t = { key: row.key, name: row.name, unit: row.unit, value: row.share_pct ? '' : (row.target || ''),
        share: row.share_pct || '', mode: row.share_pct ? 'share' : 'value', had: row.target != null };
      this.targetOpen = true;
    },
    async saveTarget() {
      const t = this.t;
      const body = { area: this.areaCode, year: this.year, period: this.periodInfo.code };
      if (t.mode === 'share') body.share = String(t.share).trim(); else body.target = String(t.value).trim();
      this.saving = true;
      try {
        await api.put(`/indicators/${t.key}/targets`, body);
        this.targetOpen = false;
        ElMessage.success('目标已保存');
        await this.load();
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.saving = false;
      }
    },
    async removeTarget() {
      try {
        await api.del(`/indicators/${this.t.key}/targets?area=${this.areaCode}&year=${this.year}&period=${this.periodInfo.code}`);
        this.targetOpen = false;
        await this.load();
      } catch (_) {
        // shown by the api wrapper
      }
    },
    openDefine() {
      this.d = emptyDef();
      this.defOpen = true;
    },
    async saveDefine() {
      this.saving = true;
      try {
        await api.post('/indicators', this.d);
        this.defOpen = false;
        ElMessage.success('指标已保存');
        await this.load();
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.saving = false;
      }
    },
  },
};
