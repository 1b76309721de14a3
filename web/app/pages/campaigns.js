// #/campaigns — 集中排查 / 回头看: the campaigns inside or covering the area picked in
// the tree, with progress there (households visited during the campaign / households
// of its set) and issue completion; cadres create one for that area, a date range and
// a household set.
import { api } from '../api.js';
import { store } from '../store.js';
import { CADRE_ROLES, pct, todayStr, useAssistanceStyle } from '../assistance-ui.js';

const { ElMessage } = window.ElementPlus;

function emptyForm(area) {
  const y = todayStr().slice(0, 4);
  return { name: `${y}年防返贫回头看`, kind: '回头看', area: area || '', range: [todayStr(), `${y}-12-31`],
    targets: ['脱贫户', '监测户'] };
}

export default {
  name: 'CampaignsPage',
  template: `
  <div class="zx-page" data-testid="page-campaigns">
    <div class="zx-page-head">
      <h2 class="zx-page-title">集中排查 / 回头看<span class="zx-page-title-sub" v-if="areaName">{{ areaName }}</span></h2>
      <div class="zx-toolbar">
        <el-button v-if="mayCreate" type="primary" @click="openCreate" data-testid="campaign-new">
          <el-icon><Plus /></el-icon><span>发起排查</span></el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card">
      <el-table :data="items" v-loading="loading" stripe row-class-name="zx-click-row" @row-click="open"
                empty-text="暂无排查" data-testid="campaigns-table">
        <el-table-column label="名称" min-width="170">
          <template #default="{ row }">
            <div class="zx-cell-main">{{ row.name }}</div>
            <div class="zx-muted">{{ row.kind }} · {{ row.area_name }}</div>
          </template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="时间" min-width="170">
          <template #default="{ row }">{{ row.start_date }} 至 {{ row.end_date }}</template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="对象" min-width="110">
          <template #default="{ row }">{{ row.targets.join('、') }}</template>
        </el-table-column>
        <el-table-column label="走访进度" min-width="150">
          <template #default="{ row }">
            <el-progress :percentage="Math.min(100, row.rate || 0)" :stroke-width="10"
                         :format="() => row.visited + '/' + row.households"></el-progress>
          </template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="整改完成率" width="110" align="right">
          <template #default="{ row }">{{ row.issues ? pct(row.issues_rate) : '无问题' }}</template>
        </el-table-column>
      </el-table>
      <div class="zx-pager">
        <el-pagination v-model:current-page="page" :page-size="20" :total="total" background layout="total, prev, pager, next"
                       @current-change="load"></el-pagination>
      </div>
    </el-card>

    <el-dialog v-model="createOpen" title="发起排查 / 回头看" width="520px" :fullscreen="narrow" data-testid="campaign-dialog">
      <el-form label-position="top" class="zx-edit-form">
        <el-form-item label="名称" required><el-input v-model="f.name" maxlength="60" data-testid="campaign-name"></el-input></el-form-item>
        <el-form-item label="类型">
          <el-radio-group v-model="f.kind"><el-radio-button value="集中排查">集中排查</el-radio-button>
            <el-radio-button value="回头看">回头看</el-radio-button></el-radio-group>
        </el-form-item>
        <el-form-item label="范围">
          <span>{{ areaName }}</span><span class="zx-muted">（在左侧区域树中切换）</span>
        </el-form-item>
        <el-form-item label="起止日期" required>
          <el-date-picker v-model="f.range" type="daterange" value-format="YYYY-MM-DD" range-separator="至"
                          start-placeholder="开始" end-placeholder="结束" class="zx-full"
                          data-testid="campaign-range"></el-date-picker>
        </el-form-item>
        <el-form-item label="排查对象">
          <el-checkbox-group v-model="f.targets" data-testid="campaign-targets">
            <el-checkbox value="脱贫户">脱贫户</el-checkbox>
            <el-checkbox value="监测户">监测户</el-checkbox>
            <el-checkbox value="全部农户">全部农户</el-checkbox>
          </el-checkbox-group>
        </el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="createOpen = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="create" data-testid="campaign-save">发起</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return { items: [], total: 0, page: 1, loading: false, createOpen: false, f: emptyForm(), saving: false };
  },
  computed: {
    narrow() { return store.narrow; },
    areaCode() { return store.area ? store.area.code : ''; },
    areaName() { return store.area ? store.area.name : ''; },
    mayCreate() { return !!store.user && CADRE_ROLES.includes(store.user.role); },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) { this.page = 1; this.load(); } } },
  },
  created() {
    useAssistanceStyle();
  },
  methods: {
    pct,
    async load() {
      this.loading = true;
      try {
        const r = await api.get('/campaigns', { area: this.areaCode, page: this.page, per_page: 20 });
        this.items = r.items || [];
        this.total = r.total || 0;
      } catch (_) {
        this.items = [];
      } finally {
        this.loading = false;
      }
    },
    open(row) { location.hash = '#/campaign/' + row.id; },
    openCreate() {
      this.f = emptyForm(this.areaCode);
      this.createOpen = true;
    },
    async create() {
      const f = this.f;
      if (!f.range || f.range.length !== 2) {
        ElMessage.warning('请选择起止日期');
        return;
      }
      this.saving = true;
      try {
        const r = await api.post('/campaigns', {
          name: f.name, kind: f.kind, area: this.areaCode, start_date: f.range[0], end_date: f.range[1], targets: f.targets,
        });
        this.createOpen = false;
        ElMessage.success(`已发起，纳入 ${r.campaign.households_all} 户`);
        location.hash = '#/campaign/' + r.campaign.id;
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.saving = false;
      }
    },
  },
};
