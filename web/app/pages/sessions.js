// #/sessions — 会话管理 (sec_admin): the live sessions of every user in the
// caller's area (GET /sessions[?user_id=]), forced sign-out
// (DELETE /sessions/{id}) and the reset of a user's TOTP second factor when
// the phone is lost (DELETE /users/{id}/totp).
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import { useAccountStyle } from '../components/account-style.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

export default {
  name: 'SessionsPage',
  template: `
  <div class="zx-page" data-testid="page-sessions">
    <div class="zx-page-head">
      <h2 class="zx-page-title">会话管理</h2>
      <div class="zx-toolbar">
        <el-input v-model.trim="userId" placeholder="用户ID" clearable class="zx-filter zx-sessions-uid"
                  inputmode="numeric" @keyup.enter="load" @clear="load" data-testid="sessions-user"></el-input>
        <el-button type="primary" @click="load"><el-icon><Search /></el-icon><span>查询</span></el-button>
        <el-button @click="openReset(null)" data-testid="totp-reset-open">
          <el-icon><Key /></el-icon><span>重置动态验证码</span>
        </el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card">
      <p class="zx-account-text">
        {{ areaName }}范围内所有用户当前的登录会话（闲置 30 分钟自动失效）。强制下线后该用户需重新登录。
      </p>
      <el-table :data="items" v-loading="loading" stripe data-testid="sessions-table" empty-text="没有登录会话">
        <el-table-column label="用户" min-width="120">
          <template #default="{ row }">
            <a class="zx-crumb-link" role="link" tabindex="0" @click="filter(row)" @keydown.enter="filter(row)"
               :title="'只看 ' + row.username + ' 的会话'">{{ row.username }}</a>
            <el-tag v-if="row.current" type="success" size="small" class="zx-sessions-me" disable-transitions>当前</el-tag>
          </template>
        </el-table-column>
        <el-table-column label="ID" width="70" v-if="!narrow">
          <template #default="{ row }"><span class="zx-mono">{{ row.user_id }}</span></template>
        </el-table-column>
        <el-table-column label="角色" min-width="110" v-if="!narrow">
          <template #default="{ row }">{{ roleName(row.role) }}</template>
        </el-table-column>
        <el-table-column label="登录时间" min-width="130">
          <template #default="{ row }"><span class="zx-mono">{{ time(row.created_at) }}</span></template>
        </el-table-column>
        <el-table-column label="最近活动" min-width="130" v-if="!narrow">
          <template #default="{ row }"><span class="zx-mono">{{ time(row.last_seen) }}</span></template>
        </el-table-column>
        <el-table-column label="IP 地址" min-width="110" v-if="!narrow">
          <template #default="{ row }"><span class="zx-mono">{{ row.client_ip || '—' }}</span></template>
        </el-table-column>
        <el-table-column label="操作" :width="narrow ? 96 : 220" align="right">
          <template #default="{ row }">
            <div class="zx-sessions-ops">
              <el-button size="small" type="danger" plain :disabled="row.current" @click="revoke(row)"
                         :data-testid="'sessions-revoke-' + row.id">强制下线</el-button>
              <el-button size="small" @click="openReset(row)" v-if="!narrow">重置验证码</el-button>
            </div>
          </template>
        </el-table-column>
      </el-table>
    </el-card>

    <el-dialog v-model="resetOpen" title="重置动态验证码" width="min(420px, 94vw)"
               :close-on-click-modal="false" append-to-body data-testid="totp-reset-dialog">
      <p class="zx-account-text">
        用户手机丢失或更换时使用：重置后该用户登录只需密码，可在“账号安全”中重新启用。操作将记入审计日志。
      </p>
      <el-form :model="reset" label-width="70px" @submit.prevent="doReset">
        <el-form-item label="用户ID" :error="resetError">
          <el-input v-model.trim="reset.user_id" inputmode="numeric" name="user_id"
                    data-testid="totp-reset-user"></el-input>
        </el-form-item>
        <el-form-item v-if="reset.username" label="用户名">{{ reset.username }}</el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="resetOpen = false">取消</el-button>
        <el-button type="danger" :loading="busy" @click="doReset" data-testid="totp-reset-confirm">重置</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return {
      items: [], loading: false, userId: '', roles: {},
      resetOpen: false, reset: { user_id: '', username: '' }, resetError: '', busy: false,
    };
  },
  computed: {
    narrow() { return store.narrow; },
    areaName() { return store.user ? store.user.area_name : ''; },
  },
  created() {
    useAccountStyle();
    this.load();
    this.loadRoles();
  },
  watch: {
    'reset.user_id'() { this.resetError = ''; },
  },
  methods: {
    time: formatTime,
    roleName(r) { return this.roles[r] || r; },
    async loadRoles() {
      try {
        const res = await api.get('/roles', null, { quiet: true });
        const m = {};
        for (const r of res.items || []) m[r.role] = r.name;
        this.roles = m;
      } catch (_) { /* keys are shown */ }
    },
    async load() {
      if (this.userId && !/^\d+$/.test(this.userId)) {
        ElMessage.warning('用户ID应为数字');
        return;
      }
      this.loading = true;
      try {
        const res = await api.get('/sessions', { user_id: this.userId });
        const items = res.items || [];
        items.sort((a, b) => b.last_seen - a.last_seen);
        this.items = items;
      } catch (_) {
        this.items = [];
      } finally {
        this.loading = false;
      }
    },
    filter(row) {
      this.userId = String(row.user_id);
      this.load();
    },
    async revoke(row) {
      try {
        await ElMessageBox.confirm(
          `强制 ${row.username} 下线（${formatTime(row.created_at)} 从 ${row.client_ip || '未知地址'} 登录）？`,
          '强制下线', { confirmButtonText: '强制下线', cancelButtonText: '取消', type: 'warning' });
      } catch (_) {
        return;
      }
      try {
        await api.del('/sessions/' + encodeURIComponent(row.id));
        ElMessage.success('已强制下线');
      } catch (_) {
        // shown by the api wrapper
      }
      this.load();
    },
    openReset(row) {
      this.reset = row ? { user_id: String(row.user_id), username: row.username } : { user_id: '', username: '' };
      this.resetError = '';
      this.resetOpen = true;
    },
    async doReset() {
      if (!/^\d+$/.test(this.reset.user_id)) {
        this.resetError = '请输入用户ID（数字）';
        return;
      }
      this.busy = true;
      try {
        await api.del('/users/' + this.reset.user_id + '/totp', { quiet: true });
        ElMessage.success('动态验证码已重置');
        this.resetOpen = false;
      } catch (e) {
        if (e.code !== 'password_change_required') this.resetError = e.message;
      } finally {
        this.busy = false;
      }
    },
  },
};
