// #/campaign/<id> — one campaign: progress per village, the households of its
// set (visited or not during the campaign), and the issues it found (个性问题 of
// a household, 共性问题 of an area) with rectification and completion rate.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import {
  ASSIST_WRITE_ROLES, CADRE_ROLES, ISSUE_STATUSES, issueTagType, pct, useAssistanceStyle, hashParam,
} from '../assistance-ui.js';

const { ElMessage } = window.ElementPlus;

export default {
  name: 'CampaignPage',
  template: `
  <div class="zx-page" data-testid="page-campaign">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        <el-button link @click="back" class="zx-back" title="返回"><el-icon :size="18"><ArrowLeft /></el-icon></el-button>
        <span>{{ c ? c.name : '排查' }}</span>
        <span v-if="c" class="zx-page-title-sub">{{ c.kind }} · {{ c.area_name }} · {{ c.start_date }} 至 {{ c.end_date }}</span>
      </h2>
    </div>
    <el-empty v-if="missing" description="排查不存在或不在您的管辖范围内"></el-empty>
    <template v-else-if="c">
      <div class="zx-stats zx-gap-b">
        <div class="zx-stat zx-stat-blue"><div class="zx-stat-label">走访进度</div>
          <div class="zx-stat-value"><span class="zx-stat-num" data-testid="campaign-visited">{{ progress.visited }}</span>
            <span class="zx-stat-unit">/ {{ progress.households }} 户（{{ pct(progress.rate) }}）</span></div></div>
        <div class="zx-stat zx-stat-gold"><div class="zx-stat-label">发现问题</div>
          <div class="zx-stat-value"><span class="zx-stat-num">{{ issuesSum.total }}</span>
            <span class="zx-stat-unit">个性 {{ issuesSum.personal }} · 共性 {{ issuesSum.common }}</span></div></div>
        <div class="zx-stat zx-stat-green"><div class="zx-stat-label">整改完成率</div>
          <div class="zx-stat-value"><span class="zx-stat-num" data-testid="campaign-rectified-rate">{{ pct(issuesSum.rate) }}</span></div></div>
      </div>
      <el-tabs v-model="tab" @tab-change="onTab">
        <el-tab-pane label="按村进度" name="villages">
          <el-table :data="progress.villages" stripe empty-text="范围内没有对象户" data-testid="campaign-villages">
            <el-table-column prop="name" label="村（社区）" min-width="140"></el-table-column>
            <el-table-column label="已走访 / 对象户" min-width="120">
              <template #default="{ row }">{{ row.visited }} / {{ row.households }}</template>
            </el-table-column>
            <el-table-column label="进度" min-width="160">
              <template #default="{ row }"><el-progress class="zx-progress-cell" :percentage="Math.min(100, row.rate || 0)"></el-progress></template>
            </el-table-column>
          </el-table>
        </el-tab-pane>
        <el-tab-pane label="对象户" name="households">
          <div class="zx-filters zx-gap-b">
            <el-radio-group v-model="visited" size="small" @change="loadHouseholds">
              <el-radio-button :value="-1">全部</el-radio-button>
              <el-radio-button :value="0">未走访</el-radio-button>
              <el-radio-button :value="1">已走访</el-radio-button>
            </el-radio-group>
          </div>
          <el-table :data="households" stripe v-loading="hhLoading" empty-text="暂无" data-testid="campaign-households">
            <el-table-column label="户主 / 户编号" min-width="150">
              <template #default="{ row }"><div class="zx-cell-main">{{ row.head_name }}</div>
                <div class="zx-mono zx-muted">{{ row.hh_no }}</div></template>
            </el-table-column>
            <el-table-column v-if="!narrow" label="村 / 组" min-width="130">
              <template #default="{ row }">{{ row.village_name }} {{ row.group }}</template>
            </el-table-column>
            <el-table-column label="走访" min-width="100">
              <template #default="{ row }"><el-tag size="small" :type="row.visited ? 'success' : 'danger'">
                {{ row.visited ? row.last_visit : '未走访' }}</el-tag></template>
            </el-table-column>
            <el-table-column v-if="mayWrite" label="" width="90">
              <template #default="{ row }"><el-button link size="small" type="primary" @click="newIssue(row)">记录问题</el-button></template>
            </el-table-column>
          </el-table>
          <div class="zx-pager"><el-pagination v-model:current-page="hhPage" :page-size="50" :total="hhTotal"
               layout="total, prev, pager, next" @current-change="loadHouseholds"></el-pagination></div>
        </el-tab-pane>
        <el-tab-pane label="问题整改" name="issues">
          <div class="zx-filters zx-gap-b" v-if="mayWrite">
            <el-button size="small" type="primary" @click="newIssue(null)" data-testid="issue-new">
              <el-icon><Plus /></el-icon><span>登记问题</span></el-button>
          </div>
          <el-table :data="issues" stripe empty-text="暂无问题" data-testid="campaign-issues">
            <el-table-column label="类型" width="90"><template #default="{ row }">{{ row.scope }}</template></el-table-column>
            <el-table-column label="对象" min-width="120">
              <template #default="{ row }">{{ row.scope === '个性问题' ? row.head_name + ' ' + row.hh_no : row.area_name }}</template>
            </el-table-column>
            <el-table-column prop="description" label="问题" min-width="160"></el-table-column>
            <el-table-column label="整改" min-width="160">
              <template #default="{ row }"><el-tag size="small" :type="tagType(row.status)">{{ row.status }}</el-tag>
                <div class="zx-muted">{{ row.rectification }}</div>
                <div class="zx-muted" v-if="row.rectified_at">{{ fmtTime(row.rectified_at) }}</div></template>
            </el-table-column>
            <el-table-column v-if="mayWrite" label="" width="80">
              <template #default="{ row }"><el-button link size="small" type="primary" @click="rectify(row)"
                         :data-testid="'issue-rectify-' + row.id">整改</el-button></template>
            </el-table-column>
          </el-table>
        </el-tab-pane>
      </el-tabs>
    </template>

    <el-dialog v-model="issueOpen" :title="iform.id ? '问题整改' : '登记问题'" width="520px" :fullscreen="narrow"
               data-testid="issue-dialog">
      <el-form label-position="top" class="zx-edit-form">
        <el-form-item v-if="!iform.id" label="类型">
          <el-radio-group v-model="iform.scope">
            <el-radio-button value="个性问题">个性问题（一户）</el-radio-button>
            <el-radio-button v-if="isCadre" value="共性问题">共性问题（本区域）</el-radio-button>
          </el-radio-group>
        </el-form-item>
        <el-form-item v-if="!iform.id && iform.scope === '个性问题'" label="户编号" required>
          <el-input v-model.trim="iform.hh_no" maxlength="40" data-testid="issue-hh"></el-input></el-form-item>
        <el-form-item label="问题描述" required><el-input v-model="iform.description" type="textarea" :rows="2"
                      maxlength="600" data-testid="issue-description"></el-input></el-form-item>
        <el-form-item label="整改情况"><el-input v-model="iform.rectification" type="textarea" :rows="2" maxlength="600"
                      data-testid="issue-rectification"></el-input></el-form-item>
        <el-form-item label="状态"><el-select v-model="iform.status" data-testid="issue-status">
          <el-option v-for="s in statuses" :key="s" :label="s" :value="s"></el-option></el-select></el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="issueOpen = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="saveIssue" data-testid="issue-save">保存</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return {
      id: hashParam('/campaign'), c: null, progress: {}, issuesSum: {}, missing: false, tab: 'villages',
      households: [], hhTotal: 0, hhPage: 1, visited: -1, hhLoading: false, issues: [],
      issueOpen: false, iform: {}, saving: false, statuses: ISSUE_STATUSES,
    };
  },
  computed: {
    narrow() { return store.narrow; },
    mayWrite() { return !!store.user && ASSIST_WRITE_ROLES.includes(store.user.role); },
    isCadre() { return !!store.user && CADRE_ROLES.includes(store.user.role); },
  },
  created() {
    useAssistanceStyle();
    this.load();
  },
  methods: {
    pct,
    fmtTime: formatTime,
    tagType: issueTagType,
    back() { location.hash = '#/campaigns'; },
    onTab(t) {
      if (t === 'households') this.loadHouseholds();
      if (t === 'issues') this.loadIssues();
    },
    async load() {
      try {
        const r = await api.get('/campaigns/' + encodeURIComponent(this.id), null, { quiet: true });
        this.c = r.campaign;
        this.progress = r.progress;
        this.issuesSum = r.issues;
      } catch (e) {
        if (e.status === 404) this.missing = true;
        else ElMessage.error(e.message);
      }
    },
    async loadHouseholds() {
      this.hhLoading = true;
      try {
        const r = await api.get(`/campaigns/${this.id}/households`, { visited: this.visited, page: this.hhPage, per_page: 50 });
        this.households = r.items || [];
        this.hhTotal = r.total || 0;
      } catch (_) {
        this.households = [];
      } finally {
        this.hhLoading = false;
      }
    },
    async loadIssues() {
      try {
        this.issues = (await api.get(`/campaigns/${this.id}/issues`)).items || [];
      } catch (_) {
        this.issues = [];
      }
    },
    newIssue(row) {
      this.iform = { id: 0, scope: '个性问题', hh_no: row ? row.hh_no : '', description: '', rectification: '', status: '待整改' };
      this.issueOpen = true;
    },
    rectify(row) {
      this.iform = { ...row };
      this.issueOpen = true;
    },
    async saveIssue() {
      const f = this.iform;
      this.saving = true;
      try {
        if (f.id) {
          await api.put(`/campaigns/${this.id}/issues/${f.id}`, {
            description: f.description, rectification: f.rectification, status: f.status,
          });
        } else {
          const body = { scope: f.scope, description: f.description, rectification: f.rectification, status: f.status };
          if (f.scope === '个性问题') body.hh_no = f.hh_no;
          await api.post(`/campaigns/${this.id}/issues`, body);
        }
        this.issueOpen = false;
        ElMessage.success('已保存');
        this.tab = 'issues';
        await Promise.all([this.load(), this.loadIssues()]);
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.saving = false;
      }
    },
  },
};
