// #/login — username/password form; the server's message is shown inline.
// A user with a second factor gets 401 totp_required for a right password:
// the 动态验证码 field appears and the form is sent again with {totp}.
import { api } from '../api.js';
import { setSession } from '../store.js';
import { formatTime } from '../util.js';
import { defaultRoute } from '../nav.js';

const { ElNotification } = window.ElementPlus;

export default {
  name: 'LoginPage',
  template: `
  <div class="zx-login">
    <div class="zx-login-band">
      <div class="zx-login-brand">
        <span class="zx-logo zx-logo-lg">振</span>
        <div>
          <div class="zx-login-title">振兴台</div>
          <div class="zx-login-subtitle">乡村振兴工作平台</div>
        </div>
      </div>
    </div>
    <div class="zx-login-card">
      <h2 class="zx-login-heading">用户登录</h2>
      <el-alert v-if="error" :title="error" type="error" show-icon :closable="false"
                class="zx-login-error" data-testid="login-error"></el-alert>
      <el-form ref="form" :model="model" :rules="rules" label-position="top"
               size="large" @submit.prevent="submit">
        <el-form-item label="用户名" prop="username">
          <el-input v-model.trim="model.username" name="username" autocomplete="username"
                    placeholder="请输入用户名" :prefix-icon="icons.User" maxlength="64"></el-input>
        </el-form-item>
        <el-form-item label="密码" prop="password">
          <el-input v-model="model.password" name="password" type="password" show-password
                    autocomplete="current-password" placeholder="请输入密码"
                    :prefix-icon="icons.Lock" maxlength="128"></el-input>
        </el-form-item>
        <el-form-item v-if="needTotp" label="动态验证码" prop="totp" data-testid="login-totp-item">
          <el-input ref="totp" v-model.trim="model.totp" name="totp" inputmode="numeric"
                    autocomplete="one-time-code" placeholder="手机验证器中的6位数字"
                    :prefix-icon="icons.Key" maxlength="6" data-testid="login-totp"></el-input>
        </el-form-item>
        <p v-if="needTotp" class="zx-login-note" style="margin: -6px 0 14px; text-align: left"
           data-testid="login-totp-hint">
          您的账号已启用动态验证码，请打开手机上的验证器应用，输入当前显示的6位数字。
        </p>
        <el-button type="primary" native-type="submit" class="zx-login-submit"
                   :loading="busy" data-testid="login-submit">登 录</el-button>
      </el-form>
      <p class="zx-login-note">仅限授权工作人员使用，所有操作均记录审计日志。</p>
    </div>
    <div class="zx-login-footer">振兴台 · 巩固拓展脱贫攻坚成果 · 全面推进乡村振兴</div>
  </div>`,
  data() {
    return {
      model: { username: '', password: '', totp: '' },
      rules: {
        username: [{ required: true, message: '请输入用户名', trigger: 'blur' }],
        password: [{ required: true, message: '请输入密码', trigger: 'blur' }],
        totp: [
          { required: true, message: '请输入动态验证码', trigger: 'blur' },
          { pattern: /^\d{6}$/, message: '动态验证码为6位数字', trigger: 'blur' },
        ],
      },
      needTotp: false,
      error: '',
      busy: false,
      icons: window.ElementPlusIconsVue,
    };
  },
  watch: {
    // Another account: ask for a code only when the server does.
    'model.username'() {
      this.needTotp = false;
      this.model.totp = '';
    },
  },
  methods: {
    async submit() {
      try {
        await this.$refs.form.validate();
      } catch (_) {
        return;
      }
      this.busy = true;
      this.error = '';
      try {
        const body = { username: this.model.username, password: this.model.password };
        if (this.needTotp) body.totp = this.model.totp;
        const res = await api.post('/session', body, { quiet: true, noRedirect: true });
        setSession(res.user, res.csrf_token);
        this.model.password = '';
        this.model.totp = '';
        this.needTotp = false;
        announceLogin(res.user);
        location.hash = '#' + defaultRoute();
      } catch (e) {
        if (e.code === 'totp_required') {
          // The password was right; ask for the code (not an error yet).
          this.needTotp = true;
          this.$nextTick(() => this.$refs.totp && this.$refs.totp.focus());
        } else {
          this.error = e.message;
          if (e.code === 'totp_invalid') {
            this.model.totp = '';
            this.$nextTick(() => this.$refs.totp && this.$refs.totp.focus());
          }
        }
      } finally {
        this.busy = false;
      }
    },
  },
};

function announceLogin(user) {
  const last = user.last_login_at
    ? `上次登录: ${formatTime(user.last_login_at)}${user.last_login_ip ? '  IP ' + user.last_login_ip : ''}`
    : '这是您首次登录本系统';
  ElNotification({
    title: `欢迎，${user.display_name || user.username}`,
    message: last,
    type: 'success',
    duration: 5000,
    position: 'bottom-right',
  });
}
