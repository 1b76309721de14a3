// #/audit — the append-only audit log (audit_admin only), filterable by
// action and username; 导出 CSV downloads GET /audit/export?from=&to= (days,
// China Standard Time, both ends included; the whole log without dates).
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';

// Chinese names for audit actions; unknown actions are shown as sent.
export const ACTION_NAMES = {
  login: '登录',
  logout: '退出登录',
  'account.lock': '账号锁定',
  'csrf.refused': '拒绝跨站请求',
  'user.create': '新增用户',
  'user.update': '修改用户',
  'user.delete': '删除用户',
  'demo.create': '生成演示数据',
  'password.change': '修改密码',
  'totp.begin': '生成动态验证码密钥',
  'totp.enable': '启用动态验证码',
  'totp.reset': '停用动态验证码',
  'session.revoke': '结束会话',
  'audit.export': '导出审计日志',
};

const RESULT_OK = ['ok', 'success', 'succeeded', 'allowed'];

export default {
  name: 'AuditPage',
  template: `
  <div class="zx-page" data-testid="page-audit">
    <div class="zx-page-head">
      <h2 class="zx-page-title">审计日志</h2>
      <div class="zx-toolbar">
        <el-select v-model="action" placeholder="全部操作" clearable filterable allow-create
                   default-first-option class="zx-filter" @change="search" data-testid="audit-action">
          <el-option v-for="(name, code) in actions" :key="code" :label="name" :value="code"></el-option>
        </el-select>
        <el-input v-model.trim="username" placeholder="用户名" clearable class="zx-filter"
                  @keyup.enter="search" @clear="search" data-testid="audit-username"></el-input>
        <el-button type="primary" @click="search"><el-icon><Search /></el-icon><span>查询</span></el-button>
      </div>
    </div>
    <div class="zx-toolbar zx-gap-b" data-testid="audit-export-bar">
      <el-date-picker v-model="range" type="daterange" value-format="YYYY-MM-DD" unlink-panels
                      range-separator="至" start-placeholder="开始日期" end-placeholder="结束日期"
                      :style="{ width: narrow ? '100%' : '260px' }" data-testid="audit-range"></el-date-picker>
      <el-button :loading="exporting" @click="exportCsv" data-testid="audit-export">
        <el-icon><Download /></el-icon><span>导出 CSV</span>
      </el-button>
    </div>
    <el-card shadow="never" class="zx-card">
      <el-table :data="items" v-loading="loading" stripe data-testid="audit-table" empty-text="暂无审计记录">
        <el-table-column label="时间" min-width="140">
          <template #default="{ row }"><span class="zx-mono">{{ time(row.ts) }}</span></template>
        </el-table-column>
        <el-table-column prop="username" label="用户" min-width="100"></el-table-column>
        <el-table-column label="操作" min-width="110">
          <template #default="{ row }">{{ actionName(row.action) }}</template>
        </el-table-column>
        <el-table-column prop="object" label="对象" min-width="150" show-overflow-tooltip></el-table-column>
        <el-table-column prop="detail" label="说明" min-width="140" show-overflow-tooltip v-if="!narrow"></el-table-column>
        <el-table-column label="结果" width="84" align="center">
          <template #default="{ row }">
            <el-tag :type="ok(row.result) ? 'success' : 'danger'" size="small">{{ resultName(row.result) }}</el-tag>
          </template>
        </el-table-column>
        <el-table-column label="区划" min-width="120" v-if="!narrow">
          <template #default="{ row }"><span class="zx-mono">{{ row.area_code || '—' }}</span></template>
        </el-table-column>
        <el-table-column prop="client_ip" label="IP 地址" min-width="120" v-if="!narrow"></el-table-column>
      </el-table>
      <div class="zx-pager">
        <el-pagination v-model:current-page="page" v-model:page-size="perPage" :total="total"
                       :page-sizes="[50, 100, 200]" background :pager-count="5"
                       layout="total, sizes, prev, pager, next" @current-change="load" @size-change="search">
        </el-pagination>
      </div>
    </el-card>
  </div>`,
  data() {
    return {
      items: [], total: 0, page: 1, perPage: 50, loading: false,
      action: '', username: '', actions: ACTION_NAMES,
      range: null, exporting: false,
    };
  },
  created() {
    this.load();
  },
  computed: {
    narrow() { return store.narrow; },
  },
  methods: {
    time: formatTime,
    actionName(a) {
      return ACTION_NAMES[a] || a;
    },
    ok(r) {
      return RESULT_OK.includes(String(r).toLowerCase());
    },
    resultName(r) {
      if (this.ok(r)) return '成功';
      if (r === 'denied' || r === 'forbidden') return '拒绝';
      if (r === 'fail' || r === 'failed' || r === 'error') return '失败';
      return r || '—';
    },
    async exportCsv() {
      const [from, to] = this.range || [];
      this.exporting = true;
      try {
        const name = from ? `审计日志_${from}_${to}.csv` : '审计日志.csv';
        await api.download('/audit/export', { from, to }, name);
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.exporting = false;
      }
    },
    search() {
      this.page = 1;
      this.load();
    },
    async load() {
      this.loading = true;
      try {
        const res = await api.get('/audit', {
          page: this.page, per_page: this.perPage, action: this.action, username: this.username,
        });
        this.items = res.items || [];
        this.total = res.total || 0;
      } catch (_) {
        this.items = [];
        this.total = 0;
      } finally {
        this.loading = false;
      }
    },
  },
};
