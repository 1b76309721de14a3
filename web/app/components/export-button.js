// <export-button kind="monitored|measures|visits|eliminations" title="监测对象">: the
// standard export of the current area (GET /api/v1/exports) as XLSX or CSV, of one year
// when the kind has years, and unmasked (confirmed, audited) for roles that may unmask.
import { api } from '../api.js';
import { store, canUnmask } from '../store.js';

const { ElMessageBox } = window.ElementPlus;

export default {
  name: 'ExportButton',
  props: {
    kind: { type: String, required: true },
    title: { type: String, required: true },
    yearly: { type: Boolean, default: false },
  },
  template: `
  <span class="zx-export-button">
    <el-select v-if="yearly" v-model="year" size="small" style="width: 104px; margin-right: 6px"
               :data-testid="'export-year-' + kind">
      <el-option label="全部年度" :value="0"></el-option>
      <el-option v-for="y in years" :key="y" :label="y + '年'" :value="y"></el-option>
    </el-select>
    <el-dropdown trigger="click" @command="run" :disabled="busy">
      <el-button size="small" :loading="busy" :data-testid="'export-' + kind">
        <el-icon><Download /></el-icon><span>导出{{ title }}</span><el-icon class="el-icon--right"><ArrowDown /></el-icon>
      </el-button>
      <template #dropdown>
        <el-dropdown-menu>
          <el-dropdown-item command="xlsx" :data-testid="'export-' + kind + '-xlsx'">导出 XLSX</el-dropdown-item>
          <el-dropdown-item command="csv" :data-testid="'export-' + kind + '-csv'">导出 CSV</el-dropdown-item>
          <el-dropdown-item v-if="kind === 'monitored' && mayUnmask" command="xlsx-unmasked" divided>
            导出 XLSX（不脱敏）
          </el-dropdown-item>
        </el-dropdown-menu>
      </template>
    </el-dropdown>
  </span>`,
  data() {
    const now = new Date().getFullYear();
    return { busy: false, year: 0, years: [now, now - 1, now - 2, now - 3] };
  },
  computed: {
    mayUnmask() { return canUnmask(); },
  },
  methods: {
    async run(command) {
      const [format, unmasked] = command.split('-');
      if (unmasked) {
        try {
          await ElMessageBox.confirm('导出文件将包含完整的证件号码和联系电话，属于个人敏感信息。本次导出将记录审计日志，请妥善保管文件，用后及时删除。',
            '不脱敏导出', { confirmButtonText: '确定导出', cancelButtonText: '取消', type: 'warning' });
        } catch (_) {
          return;
        }
      }
      const area = store.area;
      const params = { kind: this.kind, format, area: area ? area.code : '' };
      if (this.yearly && this.year) params.year = this.year;
      if (unmasked) params.unmasked = 1;
      this.busy = true;
      try {
        await api.download('/exports', params, `${this.title}_${area ? area.name : ''}.${format}`);
      } catch (_) {
        // The message was shown by the api wrapper.
      } finally {
        this.busy = false;
      }
    },
  },
};
