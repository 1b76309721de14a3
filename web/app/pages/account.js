// #/account — 账号安全 (any signed-in user, from the user menu): change the
// password, enrol a TOTP second factor (POST /me/totp → QR code + otpauth URI,
// POST /me/totp/confirm {totp}), turn it off (DELETE /me/totp {password,
// totp}), and list / end one's own sessions (GET/DELETE /me/sessions).
// The QR code is the server's SVG text shown through an <img> data: URL —
// never inserted as markup.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import { defaultRoute } from '../nav.js';
import PasswordChange from '../components/password-change.js';
import { useAccountStyle } from '../components/account-style.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

// "JBSWY3DP…" → "JBSW Y3DP …" for typing by hand.
function groupSecret(s) {
  return String(s || '').replace(/(.{4})/g, '$1 ').trim();
}

export default {
  name: 'AccountPage',
  components: { PasswordChange },
  template: `
  <div class="zx-page zx-account" data-testid="page-account">
    <div class="zx-page-head">
      <h2 class="zx-page-title">账号安全</h2>
    </div>

    <el-alert v-if="user.must_enrol_totp" type="warning" show-icon :closable="false" class="zx-gap-b"
              data-testid="totp-required" :title="user.role_name + '须启用动态验证码（双因素认证）'">
      按等级保护要求，您的角色必须在登录时使用动态验证码。请用手机验证器扫描下方二维码并输入验证码完成绑定，之后才能使用其他功能。
    </el-alert>

    <el-card shadow="never" class="zx-card zx-gap-b" data-testid="account-info">
      <template #header><div class="zx-card-head"><span>账号信息</span></div></template>
      <el-descriptions :column="narrow ? 1 : 2" border size="default" class="zx-account-desc">
        <el-descriptions-item label="用户名"><span class="zx-mono">{{ user.username }}</span></el-descriptions-item>
        <el-descriptions-item label="姓名">{{ user.display_name || '—' }}</el-descriptions-item>
        <el-descriptions-item label="角色">{{ user.role_name }}</el-descriptions-item>
        <el-descriptions-item label="所属区域">{{ user.area_name }}</el-descriptions-item>
        <el-descriptions-item label="密码">
          <span class="zx-account-inline">
            <el-tag :type="pwState[0]" size="small" disable-transitions>{{ pwState[1] }}</el-tag>
            <el-button size="small" @click="pwOpen = true" data-testid="account-password">
              <el-icon><Key /></el-icon><span>修改密码</span>
            </el-button>
          </span>
        </el-descriptions-item>
        <el-descriptions-item label="动态验证码">
          <el-tag :type="user.totp_enabled ? 'success' : 'info'" size="small" disable-transitions
                  data-testid="totp-state">{{ user.totp_enabled ? '已启用' : '未启用' }}</el-tag>
        </el-descriptions-item>
      </el-descriptions>
    </el-card>

    <el-card shadow="never" class="zx-card zx-gap-b" data-testid="account-totp">
      <template #header><div class="zx-card-head"><span>动态验证码（双因素认证）</span></div></template>
      <template v-if="user.totp_enabled">
        <el-alert type="success" :closable="false" show-icon data-testid="totp-enabled"
                  title="已启用：每次登录除密码外还需输入手机验证器上的6位动态验证码。"></el-alert>
        <div class="zx-account-actions">
          <el-button @click="openDisable" data-testid="totp-disable">停用动态验证码</el-button>
        </div>
      </template>
      <template v-else-if="!enrol && !user.must_enrol_totp">
        <p class="zx-account-text">
          启用后，登录时除密码外还需输入手机验证器（如微信/支付宝小程序、Google/Microsoft Authenticator、FreeOTP）
          生成的6位动态验证码，密码泄露时账号仍然安全。
        </p>
        <el-button type="primary" :loading="busy" @click="startEnrol" data-testid="totp-start">
          <el-icon><Lock /></el-icon><span>启用动态验证码</span>
        </el-button>
      </template>
      <div v-else-if="!enrol" v-loading="true" class="zx-totp-enrol"></div>
      <div v-else class="zx-totp-enrol" data-testid="totp-enrol">
        <div class="zx-totp-qr">
          <img :src="qrUrl" alt="动态验证码二维码" width="200" height="200" data-testid="totp-qr">
        </div>
        <div class="zx-totp-steps">
          <ol class="zx-totp-list">
            <li>用手机验证器应用扫描左侧二维码；</li>
            <li>无法扫描时，在应用中手动添加账号，输入密钥：
              <div class="zx-totp-secret zx-mono" data-testid="totp-secret">{{ secretGrouped }}</div>
              或完整链接：
              <div class="zx-totp-uri zx-mono" data-testid="totp-uri">{{ enrol.otpauth_uri }}</div>
            </li>
            <li>输入应用中显示的{{ enrol.digits || 6 }}位数字完成启用。</li>
          </ol>
          <el-form :model="confirmForm" @submit.prevent="confirmEnrol" class="zx-totp-form"
                   :label-position="narrow ? 'top' : 'left'">
            <el-form-item :error="confirmError" label="动态验证码">
              <el-input v-model.trim="confirmForm.totp" name="totp" inputmode="numeric" maxlength="6"
                        autocomplete="one-time-code" placeholder="6位数字" class="zx-totp-code"
                        data-testid="totp-code"></el-input>
            </el-form-item>
            <div class="zx-account-actions">
              <el-button v-if="!user.must_enrol_totp" @click="enrol = null">取消</el-button>
              <el-button type="primary" native-type="submit" :loading="busy" data-testid="totp-confirm">确认启用</el-button>
            </div>
          </el-form>
        </div>
      </div>
    </el-card>

    <el-card shadow="never" class="zx-card" data-testid="account-sessions">
      <template #header>
        <div class="zx-card-head">
          <span>登录会话</span>
          <el-button size="small" text @click="loadSessions" data-testid="sessions-refresh">
            <el-icon><Refresh /></el-icon><span>刷新</span>
          </el-button>
        </div>
      </template>
      <p class="zx-account-text">您的账号当前在以下位置登录。发现不认识的登录，请结束该会话并立即修改密码。</p>
      <el-table :data="sessions" v-loading="loadingSessions" stripe data-testid="my-sessions"
                empty-text="没有登录会话">
        <el-table-column label="登录时间" min-width="130">
          <template #default="{ row }"><span class="zx-mono">{{ time(row.created_at) }}</span></template>
        </el-table-column>
        <el-table-column label="最近活动" min-width="130" v-if="!narrow">
          <template #default="{ row }"><span class="zx-mono">{{ time(row.last_seen) }}</span></template>
        </el-table-column>
        <el-table-column label="IP 地址" min-width="110">
          <template #default="{ row }"><span class="zx-mono">{{ row.client_ip || '—' }}</span></template>
        </el-table-column>
        <el-table-column label="" :width="narrow ? 92 : 150" align="right">
          <template #default="{ row }">
            <el-tag v-if="row.current" type="success" size="small" disable-transitions data-testid="session-current">当前会话</el-tag>
            <el-button v-else size="small" type="danger" plain @click="revoke(row)"
                       :data-testid="'session-revoke-' + row.id">结束会话</el-button>
          </template>
        </el-table-column>
      </el-table>
    </el-card>

    <password-change v-model="pwOpen" @changed="loadSessions"></password-change>

    <el-dialog v-model="disableOpen" title="停用动态验证码" width="min(420px, 94vw)"
               :close-on-click-modal="false" append-to-body data-testid="totp-disable-dialog">
      <el-alert type="warning" :closable="false" show-icon class="zx-gap-b"
                title="停用后登录只需密码，安全性降低。"></el-alert>
      <el-form :model="disableForm" label-width="90px" @submit.prevent="disable">
        <el-form-item label="密码" :error="disableErrors.password">
          <el-input v-model="disableForm.password" type="password" show-password name="password"
                    autocomplete="current-password"></el-input>
        </el-form-item>
        <el-form-item label="动态验证码" :error="disableErrors.totp">
          <el-input v-model.trim="disableForm.totp" name="totp" inputmode="numeric" maxlength="6"
                    autocomplete="one-time-code" placeholder="6位数字"></el-input>
        </el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="disableOpen = false">取消</el-button>
        <el-button type="danger" :loading="busy" @click="disable" data-testid="totp-disable-confirm">停用</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return {
      pwOpen: false,
      busy: false,
      enrol: null, // {secret, otpauth_uri, qr_svg, digits, period} while enrolling
      confirmForm: { totp: '' },
      confirmError: '',
      sessions: [],
      loadingSessions: false,
      disableOpen: false,
      disableForm: { password: '', totp: '' },
      disableErrors: { password: '', totp: '' },
    };
  },
  computed: {
    user() { return store.user || {}; },
    pwState() {
      if (this.user.password_expired) return ['danger', '已过期'];
      if (this.user.must_change_password) return ['warning', '初始密码'];
      return ['success', '正常'];
    },
    narrow() { return store.narrow; },
    qrUrl() {
      if (!this.enrol || !this.enrol.qr_svg) return '';
      return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(this.enrol.qr_svg);
    },
    secretGrouped() { return groupSecret(this.enrol && this.enrol.secret); },
  },
  watch: {
    'confirmForm.totp'() { this.confirmError = ''; },
  },
  created() {
    useAccountStyle();
    this.loadSessions();
    // A role that must enrol first sees the QR code at once (after a forced password
    // change the layout re-creates this page, so this runs again).
    if (this.user.must_enrol_totp && !this.user.must_change_password) this.startEnrol();
  },
  beforeUnmount() {
    this.enrol = null; // drop the secret
  },
  methods: {
    time: formatTime,
    async refreshMe() {
      try {
        const me = await api.get('/me', null, { quiet: true });
        if (me.user) store.user = me.user;
      } catch (_) { /* keep what we have */ }
    },
    async loadSessions() {
      this.loadingSessions = true;
      try {
        const res = await api.get('/me/sessions');
        const items = res.items || [];
        // The current session first, then the most recently used.
        items.sort((a, b) => (b.current - a.current) || (b.last_seen - a.last_seen));
        this.sessions = items;
      } catch (_) {
        this.sessions = [];
      } finally {
        this.loadingSessions = false;
      }
    },
    async startEnrol() {
      this.busy = true;
      try {
        this.enrol = await api.post('/me/totp', {}, { quiet: true });
        this.confirmForm.totp = '';
        this.confirmError = '';
      } catch (e) {
        if (e.code === 'totp_already_enabled') await this.refreshMe();
        if (e.code !== 'password_change_required') ElMessage.error({ message: e.message, grouping: true });
      } finally {
        this.busy = false;
      }
    },
    async confirmEnrol() {
      if (!/^\d{6}$/.test(this.confirmForm.totp)) {
        this.confirmError = '请输入6位数字动态验证码';
        return;
      }
      this.busy = true;
      try {
        await api.post('/me/totp/confirm', { totp: this.confirmForm.totp }, { quiet: true });
        const forced = !!(store.user && store.user.must_enrol_totp);
        if (store.user) {
          store.user.totp_enabled = true;
          store.user.must_enrol_totp = false;
        }
        this.enrol = null;
        ElMessage.success('动态验证码已启用，下次登录时需要输入');
        if (forced) location.hash = '#' + defaultRoute();
      } catch (e) {
        if (e.code === 'totp_invalid' || e.code === 'totp_not_started') this.confirmError = e.message;
        else if (e.code !== 'password_change_required') ElMessage.error({ message: e.message, grouping: true });
      } finally {
        this.busy = false;
      }
    },
    openDisable() {
      this.disableForm = { password: '', totp: '' };
      this.disableErrors = { password: '', totp: '' };
      this.disableOpen = true;
    },
    async disable() {
      this.disableErrors = { password: '', totp: '' };
      if (!this.disableForm.password) { this.disableErrors.password = '请输入密码'; return; }
      if (!/^\d{6}$/.test(this.disableForm.totp)) { this.disableErrors.totp = '请输入6位数字动态验证码'; return; }
      this.busy = true;
      try {
        await api.del('/me/totp', { body: { ...this.disableForm }, quiet: true });
        if (store.user) store.user.totp_enabled = false;
        this.disableOpen = false;
        ElMessage.success('动态验证码已停用');
      } catch (e) {
        if (e.code === 'wrong_password') this.disableErrors.password = e.message;
        else if (e.code === 'totp_invalid') this.disableErrors.totp = e.message;
        else if (e.code !== 'password_change_required') ElMessage.error({ message: e.message, grouping: true });
      } finally {
        this.disableForm.totp = '';
        this.busy = false;
      }
    },
    async revoke(row) {
      try {
        await ElMessageBox.confirm(
          `结束 ${formatTime(row.created_at)} 从 ${row.client_ip || '未知地址'} 登录的会话？该设备需要重新登录。`,
          '结束会话', { confirmButtonText: '结束会话', cancelButtonText: '取消', type: 'warning' });
      } catch (_) {
        return;
      }
      try {
        await api.del('/me/sessions/' + encodeURIComponent(row.id));
        ElMessage.success('会话已结束');
      } catch (_) {
        // shown by the api wrapper
      }
      this.loadSessions();
    },
  },
};
