// #/plan/<户编号> — one 监测户's 一户一策: risk analysis, goal and responsible
// person; the measures (add, edit, 取消, delete while 计划); and 风险消除: every
// condition checked with its figures, 申请消除 refused with the failing list or
// sent into 评议 → 公示 → 审核 → 审定. Links to the household and its timeline.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import {
  MEASURE_KINDS, MEASURE_STATUSES, CADRE_ROLES, measureTagType, useAssistanceStyle, hashParam, todayStr,
} from '../assistance-ui.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

function emptyMeasure() {
  return {
    id: 0, kind: '', content: '', planned_date: '', actual_date: '', amount: '', responsible: '', status: '计划',
  };
}

export default {
  name: 'PlanPage',
  template: `
  <div class="zx-page" data-testid="page-plan">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        <el-button link @click="back" class="zx-back" title="返回"><el-icon :size="18"><ArrowLeft /></el-icon></el-button>
        <span>{{ h ? (h.head_name || '—') + ' 户 · 一户一策' : '一户一策' }}</span>
        <span v-if="h" class="zx-page-title-sub zx-mono">{{ h.hh_no }}</span>
      </h2>
      <div class="zx-toolbar" v-if="h">
        <el-button @click="go('#/household/')" data-testid="plan-household"><el-icon><House /></el-icon><span>农户详情</span></el-button>
        <el-button @click="go('#/timeline/')" data-testid="plan-timeline"><el-icon><Clock /></el-icon><span>时间线</span></el-button>
      </div>
    </div>
    <el-empty v-if="missing" description="农户不存在或不在您的管辖范围内"></el-empty>
    <template v-else-if="h">
      <el-alert v-if="!h.monitored" type="info" show-icon :closable="false" class="zx-gap-b"
                title="该户不是监测户（或风险已消除），不能制定帮扶计划和登记措施" data-testid="plan-not-monitored"></el-alert>
      <el-alert v-if="flag && flag.flagged" type="error" show-icon :closable="false" class="zx-gap-b"
                :title="'纳入监测已 ' + flag.days_waiting + ' 天，尚无已落实的帮扶措施'" data-testid="plan-flag"></el-alert>
      <el-card shadow="never" class="zx-card zx-gap-b">
        <template #header><div class="zx-card-head"><span>帮扶计划</span>
          <span class="zx-muted" v-if="plan">更新于 {{ fmtTime(plan.updated_at) }}（{{ plan.updated_by }}）</span></div></template>
        <el-form label-position="top" class="zx-edit-form">
          <div class="zx-form-grid">
            <el-form-item label="监测对象类别 / 风险类型">
              <span>{{ h.category || '—' }} / {{ h.risk_type || '—' }}</span>
            </el-form-item>
            <el-form-item label="责任人">
              <el-input v-model="pf.responsible" :disabled="!mayEdit" maxlength="30" data-testid="plan-responsible"></el-input>
            </el-form-item>
          </div>
          <el-form-item label="风险分析">
            <el-input v-model="pf.risk_analysis" type="textarea" :rows="3" :disabled="!mayEdit" maxlength="1300"
                      data-testid="plan-risk"></el-input>
          </el-form-item>
          <el-form-item label="帮扶目标">
            <el-input v-model="pf.goal" type="textarea" :rows="2" :disabled="!mayEdit" maxlength="1300"></el-input>
          </el-form-item>
          <el-button v-if="mayEdit" type="primary" :loading="savingPlan" @click="savePlan" data-testid="plan-save">保存计划</el-button>
        </el-form>
      </el-card>

      <el-card shadow="never" class="zx-card zx-gap-b">
        <template #header><div class="zx-card-head"><span>帮扶措施（{{ measures.length }}）</span>
          <el-button v-if="mayEdit" size="small" type="primary" @click="editMeasure(null)" data-testid="measure-add">
            <el-icon><Plus /></el-icon><span>添加措施</span></el-button></div></template>
        <el-table :data="measures" stripe empty-text="暂无措施" data-testid="measures-table">
          <el-table-column prop="kind" label="类别" min-width="100"></el-table-column>
          <el-table-column prop="content" label="内容" min-width="140" show-overflow-tooltip></el-table-column>
          <el-table-column label="状态" width="90">
            <template #default="{ row }"><el-tag size="small" :type="tagType(row.status)">{{ row.status }}</el-tag></template>
          </el-table-column>
          <el-table-column v-if="!narrow" label="计划 / 落实" min-width="120">
            <template #default="{ row }">{{ row.planned_date || '—' }}<div class="zx-muted">{{ row.actual_date || '' }}</div></template>
          </el-table-column>
          <el-table-column v-if="!narrow" label="金额(元)" width="100" align="right">
            <template #default="{ row }">{{ row.amount === '0.00' ? '—' : row.amount }}</template>
          </el-table-column>
          <el-table-column v-if="!narrow" prop="responsible" label="责任人" width="90"></el-table-column>
          <el-table-column v-if="mayEdit" label="操作" width="110">
            <template #default="{ row }">
              <div class="zx-row-actions">
                <el-button link size="small" type="primary" @click="editMeasure(row)">编辑</el-button>
                <el-button v-if="row.status === '计划'" link size="small" type="danger" @click="removeMeasure(row)">删除</el-button>
              </div>
            </template>
          </el-table-column>
        </el-table>
      </el-card>

      <el-card shadow="never" class="zx-card" data-testid="elim-card">
        <template #header><div class="zx-card-head"><span>风险消除</span>
          <span v-if="check && check.pending" class="zx-muted">已有申请：{{ check.pending.state_name }}</span></div></template>
        <div class="zx-filters zx-gap-b">
          <el-radio-group v-model="kind" @change="loadCheck" size="small">
            <el-radio-button value="帮扶消除">帮扶消除</el-radio-button>
            <el-radio-button value="自然消除">自然消除</el-radio-button>
          </el-radio-group>
          <el-button v-if="mayApply && check && check.monitored && !check.pending" type="warning" size="small"
                     @click="apply" :loading="applying" data-testid="elim-apply">申请消除</el-button>
        </div>
        <div v-if="check && !check.monitored" class="zx-muted">{{ check.message }}</div>
        <div v-else-if="check" class="zx-cond-list" data-testid="elim-conditions">
          <div v-for="c in check.conditions" :key="c.key" class="zx-cond" :class="c.passed ? 'passed' : 'failed'"
               :data-testid="'cond-' + c.key">
            <el-icon><component :is="c.passed ? 'CircleCheckFilled' : 'CircleCloseFilled'" /></el-icon>
            <div><div class="zx-cond-name">{{ c.name }}<span v-if="!c.applicable" class="zx-muted">（不适用）</span></div>
              <div class="zx-cond-detail">{{ c.detail }}</div></div>
          </div>
        </div>
        <el-table v-if="check && check.history && check.history.length" :data="check.history" size="small" class="zx-gap-b"
                  style="margin-top: 12px">
          <el-table-column prop="kind" label="方式" width="90"></el-table-column>
          <el-table-column prop="state_name" label="环节" min-width="120"></el-table-column>
          <el-table-column label="申请时间" min-width="130"><template #default="{ row }">{{ fmtTime(row.applied_at) }}</template></el-table-column>
        </el-table>
      </el-card>
    </template>

    <el-dialog v-model="mOpen" :title="mf.id ? '编辑帮扶措施' : '添加帮扶措施'" width="520px" :fullscreen="narrow"
               data-testid="measure-dialog">
      <el-form label-position="top" class="zx-edit-form">
        <el-form-item label="措施类别" required>
          <el-select v-model="mf.kind" placeholder="请选择" data-testid="measure-kind">
            <el-option v-for="k in kinds" :key="k" :label="k" :value="k"></el-option>
          </el-select>
        </el-form-item>
        <el-form-item label="内容"><el-input v-model="mf.content" type="textarea" :rows="2" maxlength="300"
                                            data-testid="measure-content"></el-input></el-form-item>
        <div class="zx-form-grid">
          <el-form-item label="状态"><el-select v-model="mf.status" data-testid="measure-status">
            <el-option v-for="s in statuses" :key="s" :label="s" :value="s"></el-option></el-select></el-form-item>
          <el-form-item label="金额（元）"><el-input v-model.trim="mf.amount" maxlength="14" placeholder="0.00"
                                                   data-testid="measure-amount"></el-input></el-form-item>
          <el-form-item label="计划完成日期"><el-date-picker v-model="mf.planned_date" type="date"
                                                           value-format="YYYY-MM-DD" class="zx-full"></el-date-picker></el-form-item>
          <el-form-item label="实际落实日期"><el-date-picker v-model="mf.actual_date" type="date" value-format="YYYY-MM-DD"
                                                           :disabled-date="future" class="zx-full"></el-date-picker></el-form-item>
        </div>
        <el-form-item label="责任人"><el-input v-model="mf.responsible" maxlength="30"></el-input></el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="mOpen = false">取消</el-button>
        <el-button type="primary" :loading="savingMeasure" @click="saveMeasure" data-testid="measure-save">保存</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return {
      hhNo: hashParam('/plan'), h: null, plan: null, measures: [], flag: null, mayEditFlag: false, missing: false,
      pf: { risk_analysis: '', goal: '', responsible: '' }, savingPlan: false,
      mOpen: false, mf: emptyMeasure(), savingMeasure: false,
      kinds: MEASURE_KINDS, statuses: MEASURE_STATUSES, kind: '帮扶消除', check: null, applying: false,
    };
  },
  computed: {
    narrow() { return store.narrow; },
    mayEdit() { return this.mayEditFlag; },
    mayApply() { return !!store.user && CADRE_ROLES.includes(store.user.role); },
  },
  created() {
    useAssistanceStyle();
    this.load();
  },
  methods: {
    fmtTime: formatTime,
    tagType: measureTagType,
    future(d) { return d.getTime() > Date.now(); },
    back() { history.length > 1 ? history.back() : (location.hash = '#/plans'); },
    go(prefix) { location.hash = prefix + encodeURIComponent(this.hhNo); },
    async load() {
      try {
        const r = await api.get('/plans/' + encodeURIComponent(this.hhNo), null, { quiet: true });
        this.h = r.household;
        this.plan = r.plan;
        this.measures = r.measures || [];
        this.flag = r.flag;
        this.mayEditFlag = !!r.may_edit;
        this.pf = {
          risk_analysis: r.plan ? r.plan.risk_analysis : '',
          goal: r.plan ? r.plan.goal : '',
          responsible: r.plan ? r.plan.responsible : r.household.helper,
        };
        this.loadCheck();
      } catch (e) {
        if (e.status === 404) this.missing = true;
        else ElMessage.error(e.message);
      }
    },
    async loadCheck() {
      try {
        this.check = await api.get(`/households/${encodeURIComponent(this.hhNo)}/elimination-check`, { kind: this.kind });
      } catch (_) {
        this.check = null;
      }
    },
    async savePlan() {
      this.savingPlan = true;
      try {
        await api.put('/plans/' + encodeURIComponent(this.hhNo), this.pf);
        ElMessage.success('计划已保存');
        await this.load();
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.savingPlan = false;
      }
    },
    editMeasure(row) {
      this.mf = row ? { ...emptyMeasure(), ...row, planned_date: row.planned_date || '', actual_date: row.actual_date || '' }
        : emptyMeasure();
      this.mOpen = true;
    },
    async saveMeasure() {
      const m = this.mf;
      const body = {
        kind: m.kind, content: m.content, status: m.status, amount: m.amount || '0', responsible: m.responsible,
        planned_date: m.planned_date || '', actual_date: m.actual_date || '',
      };
      if (m.status === '已落实' && !body.actual_date) body.actual_date = todayStr();
      this.savingMeasure = true;
      try {
        const base = '/plans/' + encodeURIComponent(this.hhNo) + '/measures';
        if (m.id) await api.put(`${base}/${m.id}`, body);
        else await api.post(base, body);
        this.mOpen = false;
        ElMessage.success('措施已保存');
        await this.load();
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.savingMeasure = false;
      }
    },
    async removeMeasure(row) {
      try {
        await ElMessageBox.confirm(`删除措施“${row.kind}”？`, '删除', { type: 'warning' });
      } catch (_) {
        return;
      }
      try {
        await api.del(`/plans/${encodeURIComponent(this.hhNo)}/measures/${row.id}`);
        await this.load();
      } catch (_) {
        // shown
      }
    },
    async apply() {
      let reason = '';
      try {
        const r = await ElMessageBox.prompt('申请理由（选填）', `申请${this.kind}`, {
          confirmButtonText: '提交申请', cancelButtonText: '取消', inputType: 'textarea',
        });
        reason = (r.value || '').trim();
      } catch (_) {
        return;
      }
      this.applying = true;
      try {
        await api.post(`/households/${encodeURIComponent(this.hhNo)}/elimination`, { kind: this.kind, reason },
          { quiet: true });
        ElMessage.success('已提交风险消除申请，进入村民代表评议');
      } catch (e) {
        ElMessage.error({ message: e.message, duration: 6000 });
      } finally {
        this.applying = false;
        this.loadCheck();
      }
    },
  },
};
