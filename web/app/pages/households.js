// #/households — the household registry of the current area: filters, search
// by name / 户编号 / 证件号码, a paginated table (masked ID numbers) and export
// of the current filter to CSV or XLSX.
import { api } from '../api.js';
import { store, canUnmask } from '../store.js';
import { formatCount } from '../util.js';
import { valuesOf, loadTemplate } from '../components/registry-fields.js';
import { idLooksValid } from '../components/idcard.js';

const { reactive } = window.Vue;
const { ElMessage, ElMessageBox } = window.ElementPlus;

// Filters and page survive a visit to a household and back (same session).
const saved = reactive({
  areaCode: '', q: '', hh_type: '', category: '', village: '', group: '', page: 1, perPage: 20,
});

function resetSaved(areaCode) {
  Object.assign(saved, { areaCode, q: '', hh_type: '', category: '', village: '', group: '', page: 1 });
}

export default {
  name: 'HouseholdsPage',
  template: `
  <div class="zx-page" data-testid="page-households">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        农户列表<span class="zx-page-title-sub" v-if="area">{{ area.name }}</span>
      </h2>
      <div class="zx-toolbar">
        <el-dropdown trigger="click" @command="exportAs" :disabled="exporting">
          <el-button :loading="exporting" data-testid="hh-export">
            <el-icon><Download /></el-icon><span>导出</span><el-icon class="el-icon--right"><ArrowDown /></el-icon>
          </el-button>
          <template #dropdown>
            <el-dropdown-menu>
              <el-dropdown-item command="csv" data-testid="hh-export-csv">导出 CSV</el-dropdown-item>
              <el-dropdown-item command="xlsx" data-testid="hh-export-xlsx">导出 XLSX</el-dropdown-item>
              <el-dropdown-item v-if="mayUnmask" command="xlsx-unmasked" divided data-testid="hh-export-unmasked">
                导出 XLSX（不脱敏）
              </el-dropdown-item>
            </el-dropdown-menu>
          </template>
        </el-dropdown>
      </div>
    </div>
    <el-card shadow="never" class="zx-card zx-gap-b">
      <div class="zx-filters">
        <el-input v-model.trim="f.q" placeholder="姓名 / 户编号 / 证件号码" clearable class="zx-search zx-hh-search"
                  maxlength="32" @keyup.enter="search" @clear="search" data-testid="hh-search">
          <template #prefix><el-icon><Search /></el-icon></template>
        </el-input>
        <el-select v-model="f.hh_type" placeholder="户类型" clearable class="zx-filter" @change="search"
                   data-testid="hh-type">
          <el-option v-for="v in hhTypes" :key="v" :label="v" :value="v"></el-option>
        </el-select>
        <el-select v-model="f.category" placeholder="监测对象类别" clearable class="zx-filter" @change="search"
                   data-testid="hh-category">
          <el-option v-for="v in categories" :key="v" :label="v" :value="v"></el-option>
        </el-select>
        <div v-if="area && area.level < 5" class="zx-filter" data-testid="hh-village">
          <el-cascader :key="cascaderKey" v-model="f.village" :props="villageProps"
                       :placeholder="area.level === 4 ? '全部村（社区）' : '全部乡镇 / 村'" clearable
                       :show-all-levels="false" class="zx-full" @change="search">
          </el-cascader>
        </div>
        <el-input v-model.trim="f.group" placeholder="组" clearable class="zx-filter zx-hh-group" maxlength="16"
                  @keyup.enter="search" @clear="search" data-testid="hh-group"></el-input>
        <el-button type="primary" @click="search" data-testid="hh-query">
          <el-icon><Search /></el-icon><span>查询</span>
        </el-button>
        <el-button @click="reset">重置</el-button>
      </div>
    </el-card>
    <el-card shadow="never" class="zx-card">
      <el-table :data="items" v-loading="loading" stripe row-class-name="zx-click-row" @row-click="open"
                :empty-text="emptyText" data-testid="hh-table">
        <template v-if="!narrow">
          <el-table-column label="户编号" min-width="150">
            <template #default="{ row }"><span class="zx-mono">{{ row.hh_no }}</span></template>
          </el-table-column>
          <el-table-column prop="head_name" label="户主" min-width="80"></el-table-column>
          <el-table-column label="证件号码" min-width="170">
            <template #default="{ row }"><span class="zx-mono" data-testid="hh-id">{{ row.head_id_masked }}</span></template>
          </el-table-column>
          <el-table-column label="村" min-width="120" show-overflow-tooltip>
            <template #default="{ row }">{{ row.village_name || row.village_code }}</template>
          </el-table-column>
          <el-table-column prop="group" label="组" min-width="60"></el-table-column>
          <el-table-column prop="size" label="人口" width="64" align="right"></el-table-column>
          <el-table-column prop="hh_type" label="户类型" min-width="84"></el-table-column>
          <el-table-column label="监测对象类别" min-width="120">
            <template #default="{ row }">
              <el-tag v-if="row.category" type="warning" size="small" effect="light">{{ row.category }}</el-tag>
              <span v-else class="zx-muted">—</span>
            </template>
          </el-table-column>
          <el-table-column prop="helper" label="帮扶责任人" min-width="96">
            <template #default="{ row }">{{ row.helper || '—' }}</template>
          </el-table-column>
        </template>
        <template v-else>
          <el-table-column label="户主 / 户编号" min-width="170">
            <template #default="{ row }">
              <div class="zx-cell-main">{{ row.head_name }} <span class="zx-muted">{{ row.size }}人</span></div>
              <div class="zx-mono zx-muted">{{ row.hh_no }}</div>
              <div class="zx-mono zx-muted" data-testid="hh-id">{{ row.head_id_masked }}</div>
            </template>
          </el-table-column>
          <el-table-column label="村 / 类别" min-width="120">
            <template #default="{ row }">
              <div>{{ row.village_name }}<span v-if="row.group" class="zx-muted zx-hh-grp">{{ row.group }}</span></div>
              <div class="zx-muted">{{ row.hh_type }}</div>
              <el-tag v-if="row.category" type="warning" size="small">{{ row.category }}</el-tag>
            </template>
          </el-table-column>
        </template>
      </el-table>
      <div class="zx-pager">
        <span v-if="!totalExact" class="zx-muted zx-pager-note" data-testid="hh-total-capped">
          符合条件的农户超过 {{ fmt(total) }} 户，请用筛选条件缩小范围
        </span>
        <el-pagination v-model:current-page="f.page" v-model:page-size="f.perPage" :total="total"
                       :page-sizes="[20, 50, 100]" background :pager-count="5"
                       layout="total, sizes, prev, pager, next" @current-change="load" @size-change="search">
        </el-pagination>
      </div>
    </el-card>
  </div>`,
  data() {
    return {
      f: saved,
      items: [],
      total: 0,
      totalExact: true,
      loading: false,
      exporting: false,
      seq: 0,
      cascaderKey: 0,
      villageProps: {
        lazy: true,
        checkStrictly: true,
        emitPath: false,
        value: 'code',
        label: 'name',
        leaf: 'leaf',
        lazyLoad: (node, resolve) => this.loadAreas(node, resolve),
      },
    };
  },
  created() {
    loadTemplate();
  },
  computed: {
    narrow() { return store.narrow; },
    mayUnmask() { return canUnmask(); },
    area() { return store.area; },
    areaCode() { return store.area ? store.area.code : ''; },
    hhTypes() { return valuesOf('hh_type'); },
    categories() { return valuesOf('category'); },
    emptyText() { return this.loading ? '加载中…' : (this.filtered ? '没有符合条件的农户' : '暂无农户数据'); },
    filtered() {
      const f = this.f;
      return !!(f.q || f.hh_type || f.category || f.village || f.group);
    },
  },
  watch: {
    areaCode: {
      immediate: true,
      handler(code, old) {
        if (!code) return;
        // A new area from the tree starts a new search; coming back to the
        // same area keeps the filters.
        if (saved.areaCode !== code) {
          resetSaved(code);
          if (old) this.cascaderKey++;
        }
        // A link from another page (the dashboard's figures) carries its filters:
        // #/households?hh_type=…&category=…&area=… (the area is the current one).
        const q = new URLSearchParams(location.hash.split('?')[1] || '');
        if (!old && (q.get('hh_type') || q.get('category')) && (!q.get('area') || q.get('area') === code)) {
          Object.assign(saved, { q: '', village: '', group: '', page: 1,
            hh_type: q.get('hh_type') || '', category: q.get('category') || '' });
        }
        this.load();
      },
    },
  },
  methods: {
    fmt: formatCount,
    // The query for the current filters (also the export's).
    params() {
      const f = this.f;
      let q = f.q;
      if (/^\d{17}[\dxX]$/.test(q)) q = q.toUpperCase();
      return {
        area: f.village || this.areaCode,
        q,
        hh_type: f.hh_type,
        category: f.category,
        group: f.group,
      };
    },
    search() {
      this.f.page = 1;
      const q = this.f.q;
      if (/^\d{17}[\dxX]$/.test(q) && !idLooksValid(q)) {
        ElMessage.warning({ message: '证件号码校验位不正确，请核对', grouping: true });
      }
      this.load();
    },
    reset() {
      resetSaved(this.areaCode);
      this.cascaderKey++;
      this.load();
    },
    async load() {
      if (!this.areaCode) return;
      const seq = ++this.seq;
      this.loading = true;
      try {
        const res = await api.get('/households', {
          ...this.params(), page: this.f.page, per_page: this.f.perPage,
        });
        if (seq !== this.seq) return;
        this.items = res.items || [];
        this.total = res.total || 0;
        this.totalExact = res.total_exact !== false;
      } catch (_) {
        if (seq !== this.seq) return;
        this.items = [];
        this.total = 0;
        this.totalExact = true;
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },
    async loadAreas(node, resolve) {
      const code = node.level === 0 ? this.areaCode : node.value;
      if (!code) return resolve([]);
      try {
        const res = await api.get('/areas/' + encodeURIComponent(code) + '/children', null, { quiet: true });
        resolve((res.items || []).map((a) => ({
          code: a.code, name: a.name, leaf: a.level >= 5 || a.has_children === false,
        })));
      } catch (_) {
        resolve([]);
      }
    },
    open(row) {
      location.hash = '#/household/' + encodeURIComponent(row.hh_no);
    },
    async exportAs(command) {
      const [format, unmasked] = command.split('-');
      if (unmasked) {
        try {
          await ElMessageBox.confirm('导出文件将包含完整的证件号码和联系电话，属于个人敏感信息。本次导出将记录审计日志，请妥善保管文件，用后及时删除。',
            '不脱敏导出', { confirmButtonText: '确定导出', cancelButtonText: '取消', type: 'warning' });
        } catch (_) {
          return;
        }
      }
      this.exporting = true;
      const name = `农户台账_${this.area ? this.area.name : ''}.${format}`;
      const params = { kind: 'households', ...this.params(), format };
      if (unmasked) params.unmasked = 1;
      try {
        await api.download('/exports', params, name);
      } catch (_) {
        // The message was shown by the api wrapper.
      } finally {
        this.exporting = false;
      }
    },
  },
};
