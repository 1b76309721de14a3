// #/overview — counts for the current area and a table of its children.
import { api } from '../api.js';
import { store, selectArea, seesAreaData } from '../store.js';
import { formatCount, levelName, LEVEL_NAMES } from '../util.js';

export default {
  name: 'OverviewPage',
  template: `
  <div class="zx-page" data-testid="page-overview">
    <template v-if="!allowed">
      <el-card shadow="never" class="zx-welcome">
        <h2>欢迎使用振兴台</h2>
        <p>您的角色（{{ roleName }}）负责系统与安全管理，按照三权分立要求不查看农户数据。</p>
        <p>请从左侧菜单进入您的工作页面。</p>
      </el-card>
    </template>
    <template v-else>
      <div class="zx-page-head">
        <h2 class="zx-page-title" data-testid="overview-title">
          {{ area ? area.name : '' }}<span class="zx-page-title-sub">概览</span>
          <el-tag v-if="area" size="small" effect="plain" class="zx-level-tag">{{ levelText }}</el-tag>
        </h2>
      </div>
      <div class="zx-stats" v-loading="loading">
        <div class="zx-stat zx-stat-red" data-testid="stat-households">
          <div class="zx-stat-label">户数</div>
          <div class="zx-stat-value"><span class="zx-stat-num">{{ fmt(detail && detail.households) }}</span><span class="zx-stat-unit">户</span></div>
        </div>
        <div class="zx-stat zx-stat-blue" data-testid="stat-persons">
          <div class="zx-stat-label">人数</div>
          <div class="zx-stat-value"><span class="zx-stat-num">{{ fmt(detail && detail.persons) }}</span><span class="zx-stat-unit">人</span></div>
        </div>
        <div class="zx-stat zx-stat-green" data-testid="stat-children">
          <div class="zx-stat-label">下辖{{ childLevel }}</div>
          <div class="zx-stat-value"><span class="zx-stat-num">{{ children.length }}</span><span class="zx-stat-unit">个</span></div>
        </div>
        <div class="zx-stat zx-stat-gold" data-testid="stat-avg">
          <div class="zx-stat-label">户均人口</div>
          <div class="zx-stat-value"><span class="zx-stat-num">{{ avg(detail) }}</span><span class="zx-stat-unit">人/户</span></div>
        </div>
      </div>
      <el-card shadow="never" class="zx-card">
        <template #header>
          <div class="zx-card-head">
            <span>下辖{{ childLevel }}</span>
            <span class="zx-muted" v-if="children.length">点击一行查看该区划</span>
          </div>
        </template>
        <el-table :data="children" v-loading="loadingChildren" stripe size="default"
                  row-class-name="zx-click-row" @row-click="openChild"
                  :empty-text="emptyText" data-testid="children-table">
          <el-table-column v-if="!narrow" type="index" label="序号" width="64" align="center"></el-table-column>
          <el-table-column prop="name" label="名称" :min-width="narrow ? 120 : 140"></el-table-column>
          <el-table-column label="代码" min-width="130" v-if="!narrow">
            <template #default="{ row }"><span class="zx-mono">{{ row.code }}</span></template>
          </el-table-column>
          <el-table-column prop="households" label="户数" align="right" :min-width="narrow ? 64 : 90" sortable>
            <template #default="{ row }">{{ fmt(row.households) }}</template>
          </el-table-column>
          <el-table-column prop="persons" label="人数" align="right" :min-width="narrow ? 64 : 90" sortable>
            <template #default="{ row }">{{ fmt(row.persons) }}</template>
          </el-table-column>
          <el-table-column label="户均人口" align="right" min-width="90" v-if="!narrow">
            <template #default="{ row }">{{ avg(row) }}</template>
          </el-table-column>
        </el-table>
      </el-card>
    </template>
  </div>`,
  data() {
    return { detail: null, children: [], loading: false, loadingChildren: false, seq: 0 };
  },
  computed: {
    narrow() { return store.narrow; },
    allowed() { return seesAreaData(); },
    roleName() { return store.user ? store.user.role_name : ''; },
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    levelText() { return levelName(this.detail || this.area); },
    childLevel() {
      const lv = (this.detail || this.area || {}).level;
      if (lv === 3) return '乡镇';
      if (lv === 4) return '村（社区）';
      return lv && LEVEL_NAMES[lv + 1] ? LEVEL_NAMES[lv + 1] : '区划';
    },
    emptyText() {
      const lv = (this.detail || this.area || {}).level;
      return lv >= 5 ? '村级为最末一级区划' : '暂无下级区划';
    },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) this.load(code); } },
  },
  methods: {
    fmt: formatCount,
    avg(a) {
      if (!a || !a.households) return '—';
      return (a.persons / a.households).toFixed(2);
    },
    async load(code) {
      const seq = ++this.seq;
      this.loading = true;
      this.loadingChildren = true;
      const enc = encodeURIComponent(code);
      const [d, c] = await Promise.allSettled([
        api.get('/areas/' + enc),
        api.get('/areas/' + enc + '/children'),
      ]);
      if (seq !== this.seq) return;
      this.detail = d.status === 'fulfilled' ? d.value : null;
      this.children = c.status === 'fulfilled' ? (c.value.items || []) : [];
      this.loading = false;
      this.loadingChildren = false;
    },
    openChild(row) {
      const child = {
        code: row.code, name: row.name, level: row.level, level_name: row.level_name,
        households: row.households, persons: row.persons, leaf: !row.has_children,
      };
      selectArea(child, [...store.areaPath, child], false);
    },
  },
};
