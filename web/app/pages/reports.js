// #/reports — 工作汇报: the drafts of the current area (and the areas inside it) by year;
// a new draft starts from the default template for the area and year picked, and opens
// in the editor (#/report/<id>). Downloads as 公文 DOCX or Markdown from the list.
import { api, download } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import { useReportStyle } from '../report-ui.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

export default {
  name: 'ReportsPage',
  template: `
  <div class="zx-page" data-testid="page-reports">
    <div class="zx-page-head">
      <h2 class="zx-page-title">工作汇报<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span></h2>
      <div class="zx-toolbar">
        <el-select v-model="year" class="zx-report-year" data-testid="reports-year" @change="load">
          <el-option v-for="y in years" :key="y" :label="y + '年'" :value="y"></el-option>
        </el-select>
        <el-button v-if="mayCreate" type="primary" :loading="creating" :disabled="!area" @click="create"
                   data-testid="reports-create"><el-icon><Plus /></el-icon><span>生成{{ year }}年汇报</span></el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card">
      <el-table :data="items" v-loading="loading" stripe row-class-name="zx-click-row" @row-click="open"
                empty-text="暂无汇报，请点击“生成汇报”从模板起草" data-testid="reports-table">
        <el-table-column label="标题" min-width="260">
          <template #default="{ row }"><div class="zx-cell-main">{{ row.title }}</div>
            <div class="zx-muted">{{ row.area_name }} · {{ row.year }}年 · 第{{ row.version }}版</div></template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="最后修改" min-width="150">
          <template #default="{ row }">{{ fmtTime(row.updated_at) }}<div class="zx-muted">{{ row.updated_by }}</div></template>
        </el-table-column>
        <el-table-column label="下载" width="200">
          <template #default="{ row }">
            <div class="zx-row-actions" @click.stop>
              <el-button link size="small" type="primary" @click="get(row, 'docx')" :data-testid="'reports-docx-' + row.id">DOCX</el-button>
              <el-button link size="small" @click="get(row, 'md')">Markdown</el-button>
              <el-button v-if="mayCreate" link size="small" type="danger" @click="remove(row)">删除</el-button>
            </div>
          </template>
        </el-table-column>
      </el-table>
    </el-card>
  </div>`,
  data() {
    const now = new Date().getFullYear();
    return { items: [], loading: false, creating: false, mayCreate: false, year: now, years: [now + 1, now, now - 1, now - 2, now - 3] };
  },
  computed: {
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    narrow() { return store.narrow; },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code) this.load(); } },
  },
  created() { useReportStyle(); },
  methods: {
    fmtTime: formatTime,
    async load() {
      if (!this.areaCode) return;
      this.loading = true;
      try {
        const r = await api.get('/reports', { year: this.year });
        // Drafts of the selected area and the areas inside it.
        const prefix = this.areaCode.replace(/(000)+$/, '');
        this.items = (r.items || []).filter((d) => d.area_code.startsWith(prefix));
        this.mayCreate = !!r.may_create;
      } catch (_) {
        this.items = [];
      } finally {
        this.loading = false;
      }
    },
    async create() {
      this.creating = true;
      try {
        const r = await api.post('/reports', { area: this.areaCode, year: this.year });
        location.hash = '#/report/' + r.report.id;
      } catch (_) { /* shown by api.js */ } finally {
        this.creating = false;
      }
    },
    open(row) { location.hash = '#/report/' + row.id; },
    get(row, format) { download(`/reports/${row.id}/download`, { format }, `report-${row.id}.${format}`).catch(() => {}); },
    async remove(row) {
      try {
        await ElMessageBox.confirm(`删除“${row.title}”？删除后不能恢复。`, '删除汇报', { type: 'warning', confirmButtonText: '删除', cancelButtonText: '取消' });
      } catch (_) { return; }
      try {
        await api.del('/reports/' + row.id);
        ElMessage.success('已删除');
        this.load();
      } catch (_) { /* shown */ }
    },
  },
};
