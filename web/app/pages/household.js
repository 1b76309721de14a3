// #/household/<户编号> — one household: facts, members with every template
// field (masked 证件号码 / 联系电话, 查看 for roles that may unmask), edit
// dialogs with the import's value lists, and the change history.
import { api } from '../api.js';
import { store, canEditRegistry, canUnmask } from '../store.js';
import { formatTime } from '../util.js';
import { yesNo, loadTemplate } from '../components/registry-fields.js';
import HouseholdForm from '../components/household-form.js';
import MemberForm from '../components/member-form.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

const HISTORY_PAGE = 100;

function hhNoFromHash() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const m = path.match(/^\/household\/(.+)$/);
  if (!m) return '';
  try { return decodeURIComponent(m[1]); } catch (_) { return m[1]; }
}

// The API answers {household:{…, members:[…]}} or {household, members} or a
// flat object; all three are read the same way.
function splitDetail(res) {
  const h = res.household || res;
  const members = res.members || h.members || [];
  return { h, members };
}

// A member's masked 证件号码 / 联系电话 as the API names them.
export function maskedOf(row, field) {
  if (field === 'id_number') return row.id_masked || row.id_number_masked || '';
  return row.phone_masked || '';
}

export default {
  name: 'HouseholdPage',
  components: { HouseholdForm, MemberForm },
  template: `
  <div class="zx-page" data-testid="page-household">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        <el-button link @click="back" class="zx-back" data-testid="hh-back" title="返回列表">
          <el-icon :size="18"><ArrowLeft /></el-icon>
        </el-button>
        <span data-testid="hh-title">{{ h ? (h.head_name || '—') + ' 户' : '农户详情' }}</span>
        <span v-if="h" class="zx-page-title-sub zx-mono">{{ h.hh_no }}</span>
        <a v-if="h" :href="'#/income/' + h.hh_no" class="zx-page-title-sub el-link el-link--primary" data-testid="hh-income">收入采集</a>
      </h2>
      <div class="zx-toolbar" v-if="h" style="margin-left: auto">
        <el-button @click="goAssist('#/timeline/')" data-testid="hh-timeline">
          <el-icon><Clock /></el-icon><span>时间线</span>
        </el-button>
        <el-button v-if="h.category" @click="goAssist('#/plan/')" data-testid="hh-plan">
          <el-icon><Notebook /></el-icon><span>一户一策</span>
        </el-button>
      </div>
      <div class="zx-toolbar" v-if="h && canEdit">
        <el-button @click="editHousehold" data-testid="hh-edit">
          <el-icon><Edit /></el-icon><span>编辑户信息</span>
        </el-button>
        <el-button type="primary" @click="addMember" data-testid="member-add">
          <el-icon><Plus /></el-icon><span>添加成员</span>
        </el-button>
      </div>
    </div>

    <el-empty v-if="missing" description="农户不存在或不在您的管辖范围内" data-testid="hh-missing">
      <el-button type="primary" @click="back">返回农户列表</el-button>
    </el-empty>

    <el-tabs v-else v-model="tab" class="zx-hh-tabs" @tab-change="onTab" v-loading="loading && !h">
      <el-tab-pane label="家庭信息" name="info">
        <template v-if="h">
          <el-card shadow="never" class="zx-card zx-gap-b" data-testid="hh-facts">
            <template #header>
              <div class="zx-card-head">
                <span>户基本情况</span>
                <span class="zx-hh-tags">
                  <el-tag size="small" effect="plain">{{ h.hh_type || '—' }}</el-tag>
                  <el-tag v-if="h.category" size="small" type="warning">{{ h.category }}</el-tag>
                </span>
              </div>
            </template>
            <el-descriptions :column="narrow ? 1 : 3" border size="default" class="zx-facts">
              <el-descriptions-item label="户编号"><span class="zx-mono">{{ h.hh_no }}</span></el-descriptions-item>
              <el-descriptions-item label="户主">{{ h.head_name || '—' }}</el-descriptions-item>
              <el-descriptions-item label="人口数">{{ size }} 人</el-descriptions-item>
              <el-descriptions-item label="所在村">{{ place }}</el-descriptions-item>
              <el-descriptions-item label="组">{{ h.group || '—' }}</el-descriptions-item>
              <el-descriptions-item label="行政区划代码"><span class="zx-mono">{{ h.village_code || '—' }}</span></el-descriptions-item>
              <el-descriptions-item label="户类型">{{ h.hh_type || '—' }}</el-descriptions-item>
              <el-descriptions-item label="监测对象类别">{{ h.category || '非监测对象' }}</el-descriptions-item>
              <el-descriptions-item label="脱贫年度">{{ h.tuopin_year || '—' }}</el-descriptions-item>
              <el-descriptions-item v-for="f in flags" :key="f.key" :label="f.label">
                <el-tag v-if="f.value" size="small" :type="f.value === '是' ? 'success' : 'danger'"
                        :effect="f.value === '是' ? 'light' : 'dark'" :data-testid="'fact-' + f.key">{{ f.value }}</el-tag>
                <span v-else class="zx-muted" :data-testid="'fact-' + f.key">未填写</span>
              </el-descriptions-item>
              <el-descriptions-item label="风险类型">{{ h.risk_type || '—' }}</el-descriptions-item>
              <el-descriptions-item label="帮扶责任人">{{ h.helper || '—' }}</el-descriptions-item>
            </el-descriptions>
          </el-card>

          <el-card shadow="never" class="zx-card">
            <template #header>
              <div class="zx-card-head">
                <span>家庭成员（{{ members.length }}人）</span>
                <span class="zx-muted" v-if="narrow">左右滑动查看全部信息</span>
              </div>
            </template>
            <el-table :data="members" stripe border data-testid="members-table" empty-text="暂无成员"
                      class="zx-members">
              <el-table-column prop="name" label="姓名" width="84" fixed="left"></el-table-column>
              <el-table-column prop="relation" label="与户主关系" width="96"></el-table-column>
              <el-table-column label="证件号码" width="232">
                <template #default="{ row }">
                  <span class="zx-masked">
                    <span class="zx-mono" :data-testid="'member-id-' + row.id">{{ shown(row, 'id_number') }}</span>
                    <el-button v-if="mayUnmask && hasMasked(row, 'id_number')" link size="small" type="primary"
                               :title="revealed[row.id] ? '隐藏' : '查看完整证件号码（将记录审计日志）'"
                               @click.stop="toggleReveal(row)" :loading="revealing === row.id"
                               :data-testid="'unmask-' + row.id">
                      <el-icon><component :is="revealed[row.id] ? 'Hide' : 'View'" /></el-icon>
                      <span>{{ revealed[row.id] ? '隐藏' : '查看' }}</span>
                    </el-button>
                  </span>
                </template>
              </el-table-column>
              <el-table-column prop="gender" label="性别" width="60" align="center"></el-table-column>
              <el-table-column label="出生日期" width="104">
                <template #default="{ row }">{{ birth(row) }}</template>
              </el-table-column>
              <el-table-column prop="nation" label="民族" width="72"></el-table-column>
              <el-table-column prop="education" label="文化程度" width="110"></el-table-column>
              <el-table-column prop="school" label="在校生情况" width="100"></el-table-column>
              <el-table-column prop="health" label="健康状况" width="100"></el-table-column>
              <el-table-column prop="disability" label="残疾等级" width="84"></el-table-column>
              <el-table-column prop="labor" label="劳动技能" width="140"></el-table-column>
              <el-table-column prop="work" label="务工状况" width="124"></el-table-column>
              <el-table-column label="务工时间(月)" width="104" align="right">
                <template #default="{ row }">{{ months(row.work_months) }}</template>
              </el-table-column>
              <el-table-column label="医保参保" width="84" align="center">
                <template #default="{ row }">
                  <el-tag v-if="yn(row.insured)" size="small" :type="yn(row.insured) === '是' ? 'success' : 'danger'">{{ yn(row.insured) }}</el-tag>
                </template>
              </el-table-column>
              <el-table-column label="联系电话" width="180">
                <template #default="{ row }">
                  <span class="zx-mono" :data-testid="'member-phone-' + row.id">{{ shown(row, 'phone') || '' }}</span>
                </template>
              </el-table-column>
              <el-table-column v-if="canEdit" label="操作" :width="narrow ? 64 : 112" :fixed="narrow ? false : 'right'">
                <template #default="{ row }">
                  <div class="zx-row-actions">
                    <el-button link type="primary" @click.stop="editMember(row)" :data-testid="'member-edit-' + row.id">编辑</el-button>
                    <el-button link type="danger" v-if="row.relation !== '户主'" @click.stop="removeMember(row)"
                               :data-testid="'member-remove-' + row.id">删除</el-button>
                  </div>
                </template>
              </el-table-column>
            </el-table>
          </el-card>
        </template>
      </el-tab-pane>

      <el-tab-pane label="变更记录" name="history">
        <el-card shadow="never" class="zx-card">
          <el-table :data="history" v-loading="historyLoading" stripe data-testid="history-table"
                    empty-text="暂无变更记录">
            <el-table-column label="时间" :min-width="narrow ? 100 : 140">
              <template #default="{ row }"><span class="zx-mono">{{ time(row.ts) }}</span></template>
            </el-table-column>
            <el-table-column prop="username" label="操作人" min-width="90"></el-table-column>
            <el-table-column v-if="!narrow" label="来源" width="70">
              <template #default="{ row }">{{ sourceName(row.source) }}</template>
            </el-table-column>
            <el-table-column label="字段" min-width="110">
              <template #default="{ row }">
                <span v-if="row.person_id" class="zx-muted">{{ personName(row) }} · </span>{{ row.field }}
              </template>
            </el-table-column>
            <el-table-column label="变更内容" min-width="180">
              <template #default="{ row }">
                <span class="zx-change">
                  <span class="zx-old">{{ row.old_value === '' || row.old_value == null ? '（空）' : row.old_value }}</span>
                  <el-icon class="zx-arrow"><Right /></el-icon>
                  <span class="zx-new">{{ row.new_value === '' || row.new_value == null ? '（空）' : row.new_value }}</span>
                </span>
              </template>
            </el-table-column>
          </el-table>
          <div class="zx-pager" v-if="historyMore">
            <el-button @click="loadHistory(true)" :loading="historyLoading">加载更早的记录</el-button>
          </div>
        </el-card>
      </el-tab-pane>
    </el-tabs>

    <household-form v-if="h" v-model="hhFormOpen" :household="h" @saved="reload"></household-form>
    <member-form v-if="h" v-model="memberFormOpen" :hh-no="h.hh_no" :member="editingMember"
                 @saved="reload"></member-form>
  </div>`,
  data() {
    return {
      hhNo: hhNoFromHash(),
      h: null,
      members: [],
      loading: false,
      missing: false,
      tab: 'info',
      history: [],
      historyLoading: false,
      historyMore: false,
      historyLoaded: false,
      revealed: {},
      revealing: 0,
      hhFormOpen: false,
      memberFormOpen: false,
      editingMember: null,
    };
  },
  created() {
    loadTemplate();
    this.load();
  },
  computed: {
    narrow() { return store.narrow; },
    // The server says what this user may do with this household; the role
    // lists are the fallback.
    canEdit() { return this.h && 'may_edit' in this.h ? !!this.h.may_edit : canEditRegistry(); },
    mayUnmask() { return this.h && 'may_unmask' in this.h ? !!this.h.may_unmask : canUnmask(); },
    memberNames() {
      return Object.fromEntries(this.members.map((m) => [m.id, m.name]));
    },
    size() { return this.h.size != null ? this.h.size : this.members.length; },
    place() {
      const h = this.h;
      return [h.town_name, h.village_name].filter(Boolean).join(' ') || h.village_code || '—';
    },
    flags() {
      const h = this.h;
      return [
        { key: 'housing_safe', label: '住房安全', value: yesNo(h.housing_safe) },
        { key: 'water_safe', label: '饮水安全', value: yesNo(h.water_safe) },
        { key: 'education_ok', label: '义务教育保障', value: yesNo(h.education_ok) },
        { key: 'medical_ok', label: '基本医疗保障', value: yesNo(h.medical_ok) },
      ];
    },
  },
  methods: {
    goAssist(prefix) {
      location.hash = prefix + encodeURIComponent(this.h.hh_no);
    },
    time: formatTime,
    yn: yesNo,
    months(v) { return v === null || v === undefined || v === '' || v < 0 ? '' : v; },
    birth(row) {
      const b = String(row.birth_ymd || row.birth || '');
      return /^\d{8}$/.test(b) ? `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6)}` : b;
    },
    // The masked value the API sent, or the unmasked one after 查看.
    shown(row, field) {
      const r = this.revealed[row.id];
      if (r && r[field]) return r[field];
      return maskedOf(row, field);
    },
    hasMasked(row, field) {
      return !!maskedOf(row, field);
    },
    // History rows name a member by id; a removed member is no longer listed.
    personName(row) {
      return row.person_name || this.memberNames[row.person_id] || '已移除成员';
    },
    sourceName(s) {
      return s === 'import' ? '导入' : s === 'edit' ? '编辑' : s || '';
    },
    // The list keeps its filters and page, so going back is just opening it.
    back() {
      location.hash = '#/households';
    },
    async load() {
      if (!this.hhNo) {
        this.missing = true;
        return;
      }
      this.loading = true;
      try {
        const res = await api.get('/households/' + encodeURIComponent(this.hhNo), null, { quiet: true });
        const { h, members } = splitDetail(res);
        this.h = h;
        this.members = members;
        this.missing = false;
      } catch (e) {
        if (e.status === 404 || e.status === 403) this.missing = true;
        else ElMessage.error({ message: e.message, grouping: true });
      } finally {
        this.loading = false;
      }
    },
    reload() {
      this.revealed = {};
      this.load();
      this.historyLoaded = false;
      if (this.tab === 'history') this.loadHistory(false);
    },
    onTab(name) {
      if (name === 'history' && !this.historyLoaded) this.loadHistory(false);
    },
    async loadHistory(more) {
      this.historyLoading = true;
      try {
        const params = { limit: HISTORY_PAGE };
        if (more && this.historyMore) params.before = this.historyMore;
        const res = await api.get('/households/' + encodeURIComponent(this.hhNo) + '/history', params);
        const items = res.items || [];
        this.history = more ? this.history.concat(items) : items;
        // next_before: where the next page starts; null after the oldest row.
        this.historyMore = res.next_before || 0;
        this.historyLoaded = true;
      } catch (_) {
        if (!more) this.history = [];
      } finally {
        this.historyLoading = false;
      }
    },
    async toggleReveal(row) {
      if (this.revealed[row.id]) {
        const next = { ...this.revealed };
        delete next[row.id];
        this.revealed = next;
        return;
      }
      this.revealing = row.id;
      try {
        const res = await api.post('/persons/' + encodeURIComponent(row.id) + '/unmask');
        this.revealed = { ...this.revealed, [row.id]: { id_number: res.id_number, phone: res.phone } };
      } catch (_) {
        // Shown by the api wrapper (e.g. 403 for roles that may not unmask).
      } finally {
        this.revealing = 0;
      }
    },
    editHousehold() {
      this.hhFormOpen = true;
    },
    addMember() {
      this.editingMember = null;
      this.memberFormOpen = true;
    },
    editMember(row) {
      this.editingMember = row;
      this.memberFormOpen = true;
    },
    async removeMember(row) {
      try {
        await ElMessageBox.confirm(`确定从本户移除成员「${row.name}」吗？移除将记入变更记录。`, '删除成员', {
          confirmButtonText: '删除', cancelButtonText: '取消', type: 'warning',
        });
      } catch (_) {
        return;
      }
      try {
        await api.del('/households/' + encodeURIComponent(this.hhNo) + '/members/' + encodeURIComponent(row.id));
        ElMessage.success('已删除');
        this.reload();
      } catch (_) { /* shown */ }
    },
  },
};
