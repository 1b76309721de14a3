// #/visits — 走访, phone first (works at 360 px): the due and overdue households
// (overdue in red), tap one → the 六必访 checklist, findings, 保存. A save that
// fails for lack of network goes to the offline outbox (visit-queue.js) with its
// idempotency key and is sent when the network returns ("待上传 N 条"). Cadres
// also see the counts per 帮扶责任人, village and town.
import { api, ApiError } from '../api.js';
import { store } from '../store.js';
import {
  CHECKLIST, ASSIST_WRITE_ROLES, todayStr, checklistNames, useAssistanceStyle,
} from '../assistance-ui.js';
import {
  newKey, sendVisit, enqueue, pendingVisits, discard, flushQueue, onQueueChange, startAutoFlush,
} from '../visit-queue.js';
import ExportButton from '../components/export-button.js';

const { ElMessage } = window.ElementPlus;

function emptyForm() {
  return { date: todayStr(), checks: {}, findings: '', followups: '' };
}

export default {
  name: 'VisitsPage',
  components: { ExportButton },
  template: `
  <div class="zx-page zx-visits" data-testid="page-visits">
    <div class="zx-page-head">
      <h2 class="zx-page-title">走访<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span></h2>
      <div class="zx-toolbar">
        <export-button kind="visits" title="走访记录" yearly></export-button>
        <el-button v-if="queued.length" type="warning" plain size="small" @click="retry" :loading="flushing"
                   data-testid="visit-queue">
          <el-icon><Upload /></el-icon><span>待上传 {{ pendingN }} 条</span>
        </el-button>
      </div>
    </div>

    <template v-if="!current">
      <div class="zx-visit-stats" data-testid="visit-stats">
        <div class="zx-vstat zx-vstat-red"><b data-testid="stat-overdue">{{ report ? report.overdue : '—' }}</b><span>逾期</span></div>
        <div class="zx-vstat zx-vstat-gold"><b data-testid="stat-due">{{ report ? report.due : '—' }}</b><span>{{ soonDays }}天内到期</span></div>
        <div class="zx-vstat"><b>{{ report ? report.scheduled : '—' }}</b><span>应定期走访</span></div>
      </div>

      <div class="zx-visit-tools">
        <el-select v-if="!isHelper" v-model="person" clearable filterable placeholder="全部帮扶责任人"
                   class="zx-visit-person" @change="load" data-testid="visit-person">
          <el-option v-for="p in persons" :key="p.person" :label="p.person" :value="p.person"></el-option>
        </el-select>
        <el-input v-model.trim="adHoc" placeholder="按户编号登记走访" clearable class="zx-visit-adhoc"
                  maxlength="40" @keyup.enter="openAdHoc" data-testid="visit-adhoc">
          <template #append><el-button @click="openAdHoc" data-testid="visit-adhoc-go">登记</el-button></template>
        </el-input>
      </div>

      <el-alert v-for="q in failedQueued" :key="q.key" type="error" :closable="false" show-icon class="zx-gap-b"
                :title="(q.label || q.body.hh_no) + '：' + q.error">
        <el-button link type="primary" @click="drop(q)">删除该记录</el-button>
      </el-alert>

      <div v-loading="loading" class="zx-visit-list" data-testid="due-list">
        <div v-if="!loading && items.length === 0" class="zx-visit-empty">
          <el-empty :image-size="80" :description="report ? '暂无到期或逾期的走访' : '请在左侧选择区域'"></el-empty>
        </div>
        <button v-for="it in items" :key="it.hh_no" type="button" class="zx-visit-card"
                :class="{ 'is-overdue': it.state === 'overdue' }" @click="open(it)"
                :data-testid="'due-' + it.hh_no">
          <div class="zx-visit-card-top">
            <span class="zx-visit-name">{{ it.head_name || '—' }}</span>
            <span class="zx-muted">{{ it.village_name }} {{ it.group }}</span>
            <span class="zx-visit-state" :data-testid="'due-state-' + it.hh_no">{{ stateText(it) }}</span>
          </div>
          <div class="zx-visit-card-sub">
            <span class="zx-mono">{{ it.hh_no }}</span>
            <span>{{ it.target }}</span>
            <span>上次：{{ it.last_visit || '从未走访' }}</span>
            <span v-if="!isHelper && it.helper">责任人：{{ it.helper }}</span>
          </div>
        </button>
        <div v-if="report && report.items_total > items.length" class="zx-muted zx-visit-more">
          另有 {{ report.items_total - items.length }} 户未显示，请选择更小的区域或责任人
        </div>
      </div>

      <el-card v-if="!isHelper && report" shadow="never" class="zx-card zx-visit-groups">
        <el-tabs v-model="groupTab">
          <el-tab-pane label="按责任人" name="person">
            <el-table :data="report.by_person" size="small" max-height="360" data-testid="due-by-person">
              <el-table-column prop="person" label="帮扶责任人" min-width="90"></el-table-column>
              <el-table-column prop="scheduled" label="应走访" width="70" align="right"></el-table-column>
              <el-table-column prop="due" label="到期" width="60" align="right"></el-table-column>
              <el-table-column label="逾期" width="60" align="right">
                <template #default="{ row }"><span :class="{ 'zx-red': row.overdue > 0 }">{{ row.overdue }}</span></template>
              </el-table-column>
            </el-table>
          </el-tab-pane>
          <el-tab-pane label="按村" name="village">
            <el-table :data="report.by_village" size="small" max-height="360" data-testid="due-by-village">
              <el-table-column prop="name" label="村（社区）" min-width="120"></el-table-column>
              <el-table-column prop="scheduled" label="应走访" width="70" align="right"></el-table-column>
              <el-table-column prop="due" label="到期" width="60" align="right"></el-table-column>
              <el-table-column label="逾期" width="60" align="right">
                <template #default="{ row }"><span :class="{ 'zx-red': row.overdue > 0 }">{{ row.overdue }}</span></template>
              </el-table-column>
            </el-table>
          </el-tab-pane>
          <el-tab-pane label="按乡镇" name="town">
            <el-table :data="report.by_town" size="small" max-height="360" data-testid="due-by-town">
              <el-table-column prop="name" label="乡镇" min-width="120"></el-table-column>
              <el-table-column prop="scheduled" label="应走访" width="70" align="right"></el-table-column>
              <el-table-column prop="due" label="到期" width="60" align="right"></el-table-column>
              <el-table-column label="逾期" width="60" align="right">
                <template #default="{ row }"><span :class="{ 'zx-red': row.overdue > 0 }">{{ row.overdue }}</span></template>
              </el-table-column>
            </el-table>
          </el-tab-pane>
        </el-tabs>
      </el-card>
    </template>

    <div v-else class="zx-visit-form" data-testid="visit-form">
      <el-button link @click="close" class="zx-visit-back" data-testid="visit-back">
        <el-icon><ArrowLeft /></el-icon><span>返回列表</span>
      </el-button>
      <div class="zx-visit-who">
        <b data-testid="visit-who">{{ current.head_name || current.hh_no }}</b>
        <span class="zx-muted zx-mono">{{ current.hh_no }}</span>
        <span class="zx-muted" v-if="current.last_visit">上次走访 {{ current.last_visit }}</span>
      </div>
      <label class="zx-visit-label">走访日期</label>
      <el-date-picker v-model="form.date" type="date" value-format="YYYY-MM-DD" :clearable="false"
                      :disabled-date="future" class="zx-full" data-testid="visit-date"></el-date-picker>
      <label class="zx-visit-label">六必访</label>
      <div class="zx-visit-checks">
        <button v-for="c in checklist" :key="c.key" type="button" class="zx-visit-check"
                :class="{ on: form.checks[c.key] }" :aria-pressed="form.checks[c.key] ? 'true' : 'false'"
                @click="form.checks[c.key] = !form.checks[c.key]" :data-testid="'check-' + c.key">
          <el-icon><component :is="form.checks[c.key] ? 'CircleCheckFilled' : 'CircleCheck'" /></el-icon>
          <span>{{ c.name }}</span>
        </button>
      </div>
      <label class="zx-visit-label">走访发现</label>
      <el-input v-model="form.findings" type="textarea" :rows="3" maxlength="600" show-word-limit
                placeholder="收入、三保障、饮水、就业、政策落实等情况" data-testid="visit-findings"></el-input>
      <label class="zx-visit-label">后续跟进（选填）</label>
      <el-input v-model="form.followups" type="textarea" :rows="2" maxlength="600"
                data-testid="visit-followups"></el-input>
      <el-button type="primary" size="large" class="zx-visit-save" :loading="saving" @click="save"
                 data-testid="visit-save">保存</el-button>
    </div>
  </div>`,
  data() {
    return {
      report: null,
      loading: false,
      seq: 0,
      person: '',
      groupTab: 'person',
      adHoc: '',
      current: null,
      form: emptyForm(),
      key: '',
      saving: false,
      queued: [],
      flushing: false,
      checklist: CHECKLIST,
    };
  },
  computed: {
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    isHelper() { return !!store.user && store.user.role === 'helper'; },
    mayWrite() { return !!store.user && ASSIST_WRITE_ROLES.includes(store.user.role); },
    items() { return this.report ? this.report.items || [] : []; },
    persons() { return this.report ? this.report.by_person || [] : []; },
    soonDays() { return this.report ? this.report.soon_days : 7; },
    pendingN() { return this.queued.filter((q) => !q.error).length; },
    failedQueued() { return this.queued.filter((q) => q.error); },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) this.load(); } },
  },
  created() {
    useAssistanceStyle();
    this.unsub = onQueueChange(() => this.refreshQueue());
    this.refreshQueue();
    startAutoFlush((r) => {
      if (r.sent) ElMessage.success(`已上传离线保存的走访 ${r.sent} 条`);
      if (r.failed) ElMessage.error(`${r.failed} 条离线走访被服务器拒绝，请查看`);
      this.load();
    });
  },
  beforeUnmount() {
    if (this.unsub) this.unsub();
    startAutoFlush(null);
  },
  methods: {
    async load() {
      if (!this.areaCode) return;
      const seq = ++this.seq;
      this.loading = true;
      try {
        const r = await api.get('/visits/due', { area: this.areaCode, person: this.person, limit: 300 });
        if (seq === this.seq) this.report = r;
      } catch (_) {
        if (seq === this.seq) this.report = null;
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    async refreshQueue() {
      this.queued = await pendingVisits();
    },
    stateText(it) {
      if (it.state === 'overdue') return `逾期 ${it.days_late} 天`;
      return it.due_date === (this.report && this.report.today) ? '今天到期' : `${it.due_date} 到期`;
    },
    future(d) {
      return d.getTime() > Date.now();
    },
    open(it) {
      if (!this.mayWrite) {
        ElMessage.warning('您的角色不能登记走访');
        return;
      }
      this.current = it;
      this.form = emptyForm();
      this.key = newKey(); // one key per visit: every retry of this form reuses it
      window.scrollTo(0, 0);
    },
    openAdHoc() {
      if (!this.adHoc) return;
      this.open({ hh_no: this.adHoc, head_name: '', last_visit: null });
    },
    close() {
      this.current = null;
    },
    body() {
      return {
        hh_no: this.current.hh_no,
        date: this.form.date,
        checklist: CHECKLIST.filter((c) => this.form.checks[c.key]).map((c) => c.key),
        findings: this.form.findings,
        followups: this.form.followups,
      };
    },
    async save() {
      if (this.saving || !this.current) return;
      const body = this.body();
      const label = `${this.current.head_name || this.current.hh_no} ${body.date}（${checklistNames(body.checklist)}）`;
      this.saving = true;
      try {
        let r;
        try {
          r = await sendVisit(this.key, body);
        } catch (_) {
          await enqueue({ key: this.key, body, label });
          ElMessage.warning({ message: '网络不可用，走访已暂存在本机，联网后自动上传', duration: 4000 });
          this.close();
          return;
        }
        if (r.ok) {
          ElMessage.success(r.data && r.data.duplicate ? '该走访已保存过' : '走访已保存');
          this.close();
          this.load();
          return;
        }
        const e = new ApiError(r.status, r.data);
        ElMessage.error({ message: e.message, grouping: true });
      } finally {
        this.saving = false;
      }
    },
    async retry() {
      this.flushing = true;
      try {
        const r = await flushQueue();
        if (r.sent) ElMessage.success(`已上传 ${r.sent} 条`);
        else if (r.left) ElMessage.warning('仍无法连接服务器，稍后自动重试');
        if (r.sent) this.load();
      } finally {
        this.flushing = false;
      }
    },
    async drop(q) {
      await discard(q.key);
    },
  },
};
