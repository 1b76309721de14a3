// #/case/<id> — one 识别纳入 case: its facts, the path 发现 → 入户核实 → 村民代表评议
// → 村内公示 → 乡镇审核 → 县级审定 → 纳入监测 as steps, the timeline of what was done
// (date, user, opinion), and the actions the server says the signed-in role may
// take now, with an opinion (required to 退回 or 不予纳入).
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import { useMonitoringStyle, STEPS, CATEGORIES, RISK_TYPES, stateType, formatDate } from '../monitoring-ui.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

function idOfHash() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const m = path.match(/^\/case\/(\d+)$/);
  return m ? m[1] : '';
}

export default {
  name: 'CasePage',
  template: `
  <div class="zx-page" data-testid="page-case">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        <el-button link @click="back" class="zx-back" title="返回列表" data-testid="case-back"><el-icon :size="18"><ArrowLeft /></el-icon></el-button>
        <span data-testid="case-title">{{ k ? k.head_name + ' 户 识别纳入' : '识别纳入流程' }}</span>
        <el-tag v-if="k" :type="stateType(k.state)" data-testid="case-state">{{ k.state_name }}</el-tag>
        <el-tag v-if="k && k.overdue" type="danger" effect="dark" data-testid="case-overdue">已逾期</el-tag>
      </h2>
    </div>
    <el-empty v-if="missing" description="识别纳入流程不存在或不在您的管理范围内"></el-empty>
    <template v-else-if="k">
      <el-card shadow="never" class="zx-card zx-gap-b">
        <el-steps :active="active" :process-status="k.state === 'rejected' ? 'error' : 'process'" finish-status="success"
                  align-center class="zx-mon-steps" data-testid="case-steps">
          <el-step v-for="s in steps" :key="s.key" :title="s.name"></el-step>
        </el-steps>
      </el-card>
      <div class="zx-mon-case">
        <el-card shadow="never" class="zx-card zx-gap-b" data-testid="case-facts">
          <el-descriptions :column="narrow ? 1 : 2" border size="small">
            <el-descriptions-item label="户编号"><a class="zx-mon-link zx-mono" role="link" tabindex="0" @click="openHh" @keydown.enter="openHh">{{ k.household }}</a></el-descriptions-item>
            <el-descriptions-item label="村 / 组">{{ k.village }} {{ k.group }}</el-descriptions-item>
            <el-descriptions-item label="户类型">{{ k.hh_type }}</el-descriptions-item>
            <el-descriptions-item label="来源">{{ k.source_name }}</el-descriptions-item>
            <el-descriptions-item label="发现原因" :span="narrow ? 1 : 2"><span data-testid="case-reason">{{ k.reason }}</span></el-descriptions-item>
            <el-descriptions-item label="发现日期">{{ date(k.discovered_at) }}</el-descriptions-item>
            <el-descriptions-item label="办结期限">
              <span :class="{ 'zx-mon-red': k.overdue }">{{ date(k.due_at) }}（已用 {{ k.days_elapsed }} 天）</span>
            </el-descriptions-item>
            <el-descriptions-item v-if="k.notice_at" label="公示期">
              <span data-testid="case-notice">{{ date(k.notice_at) }} 起<template v-if="k.notice_ends_at">，{{ time(k.notice_ends_at) }} 后可审核</template></span>
              <a class="zx-mon-link zx-mon-notice-link" role="link" tabindex="0" @click="openNotice" @keydown.enter="openNotice" data-testid="case-notice-link">查看公示</a>
            </el-descriptions-item>
            <el-descriptions-item v-if="k.category" label="监测对象类别">{{ k.category }}</el-descriptions-item>
            <el-descriptions-item v-if="k.risk_type" label="风险类型">{{ k.risk_type }}</el-descriptions-item>
            <el-descriptions-item v-if="k.helper" label="帮扶责任人">{{ k.helper }}</el-descriptions-item>
          </el-descriptions>
        </el-card>

        <el-card shadow="never" class="zx-card zx-gap-b" v-if="next.length" data-testid="case-actions">
          <template #header><div class="zx-card-head"><span>办理</span><span class="zx-muted">{{ roleName }}</span></div></template>
          <el-form label-width="100px" @submit.prevent>
            <template v-if="proposes">
              <el-form-item label="监测对象类别" :required="canInclude">
                <el-select v-model="form.category" class="zx-full" data-testid="case-category" placeholder="拟定类别" clearable>
                  <el-option v-for="c in categories" :key="c" :label="c" :value="c"></el-option>
                </el-select>
              </el-form-item>
              <el-form-item label="风险类型" :required="canInclude">
                <el-select v-model="form.risk_type" class="zx-full" data-testid="case-risk" placeholder="拟定风险类型（公示中作为纳入原因）" clearable>
                  <el-option v-for="r in riskTypes" :key="r" :label="r" :value="r"></el-option>
                </el-select>
              </el-form-item>
              <el-form-item label="帮扶责任人" :required="canInclude">
                <el-input v-model.trim="form.helper" maxlength="20" name="helper" data-testid="case-helper"></el-input>
              </el-form-item>
            </template>
            <el-form-item label="办理意见">
              <el-input v-model.trim="form.opinion" type="textarea" :rows="3" maxlength="500" show-word-limit
                        placeholder="核实情况、评议结果或退回理由" data-testid="case-opinion"></el-input>
            </el-form-item>
            <el-alert v-if="error" type="error" :title="error" show-icon :closable="false" class="zx-gap-b" data-testid="case-error"></el-alert>
            <div class="zx-toolbar">
              <el-button v-for="a in next" :key="a.action" :type="btnType(a.action)" :loading="busy === a.action"
                         :disabled="!!busy" @click="act(a)" :data-testid="'act-' + a.action">{{ a.name }}</el-button>
            </div>
          </el-form>
        </el-card>
        <el-card shadow="never" class="zx-card" data-testid="case-timeline">
          <template #header><div class="zx-card-head"><span>办理记录</span></div></template>
          <el-timeline>
            <el-timeline-item v-for="s in steps_" :key="s.id" :timestamp="time(s.ts)" placement="top"
                              :type="s.action === 'return' || s.action === 'reject' ? 'danger' : 'primary'">
              <div class="zx-mon-step"><b>{{ s.action_name || s.to_name }}</b>
                <span class="zx-muted"> → {{ s.to_name }} · {{ s.username }}（{{ s.role_name }}）</span></div>
              <div v-if="s.opinion" class="zx-mon-opinion">{{ s.opinion }}</div>
              <div v-if="s.attachments && s.attachments.length" class="zx-muted">附件：{{ s.attachments.map((a) => a.name).join('、') }}</div>
            </el-timeline-item>
          </el-timeline>
        </el-card>
      </div>
    </template>
    <div v-else v-loading="true" class="zx-mon-loading"></div>
  </div>`,
  data() {
    return {
      id: idOfHash(), k: null, steps_: [], next: [], missing: false, busy: '', error: '',
      form: { opinion: '', category: '', risk_type: '', helper: '' },
      steps: STEPS, categories: CATEGORIES, riskTypes: RISK_TYPES,
    };
  },
  computed: {
    narrow() { return store.narrow; },
    roleName() { return store.user ? store.user.role_name : ''; },
    active() {
      if (!this.k) return 0;
      if (this.k.state === 'rejected') {
        const last = this.steps_.length ? this.steps_[this.steps_.length - 1].from : 'discovered';
        return Math.max(0, STEPS.findIndex((s) => s.key === last) + 1);
      }
      const i = STEPS.findIndex((s) => s.key === this.k.state);
      return this.k.state === 'included' ? STEPS.length : i + 1;
    },
    canInclude() { return this.next.some((a) => a.action === 'include'); },
    // Category, risk type and helper may be proposed at any forward step.
    proposes() { return this.next.some((a) => a.action !== 'return' && a.action !== 'reject'); },
  },
  created() {
    useMonitoringStyle();
    this.load();
  },
  methods: {
    time: formatTime,
    date: formatDate,
    stateType,
    btnType(action) {
      if (action === 'return') return 'warning';
      if (action === 'reject') return 'danger';
      return 'primary';
    },
    back() { location.hash = '#/cases'; },
    openHh() { location.hash = '#/household/' + encodeURIComponent(this.k.household); },
    openNotice() { location.hash = '#/notice/' + this.k.area_code; },
    fill(res) {
      this.k = res.case;
      this.steps_ = res.steps || [];
      this.next = res.next || [];
      if (!this.form.category) this.form.category = res.case.category || '';
      if (!this.form.risk_type) this.form.risk_type = res.case.risk_type || '';
      if (!this.form.helper) this.form.helper = res.case.helper || '';
    },
    async load() {
      if (!this.id) { this.missing = true; return; }
      try {
        this.fill(await api.get('/cases/' + this.id, null, { quiet: true }));
      } catch (e) {
        if (e.status === 404) this.missing = true;
        else ElMessage.error(e.message);
      }
    },
    async act(a) {
      this.error = '';
      const body = { action: a.action, opinion: this.form.opinion };
      if ((a.action === 'return' || a.action === 'reject') && !this.form.opinion) {
        this.error = `${a.name}必须填写理由`;
        return;
      }
      if (a.action === 'include') {
        if (!this.form.category || !this.form.risk_type || !this.form.helper) {
          this.error = '纳入监测需要确定监测对象类别、风险类型和帮扶责任人';
          return;
        }
      }
      if (a.action !== 'return' && a.action !== 'reject') {
        for (const k of ['category', 'risk_type', 'helper']) if (this.form[k]) body[k] = this.form[k];
      }
      if (a.action === 'reject') {
        try {
          await ElMessageBox.confirm('确定不予纳入？流程将办结。', '不予纳入', { confirmButtonText: '确定', cancelButtonText: '取消', type: 'warning' });
        } catch (_) {
          return;
        }
      }
      this.busy = a.action;
      try {
        const res = await api.post(`/cases/${this.id}/transitions`, body, { quiet: true });
        this.fill(res);
        this.form.opinion = '';
        ElMessage.success(`已办理：${a.name}`);
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = '';
      }
    },
  },
};
