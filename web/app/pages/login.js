// #/login — username/password form; the server's message is shown inline.
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
        <el-button type="primary" native-type="submit" class="zx-login-submit"
                   :loading="busy" data-testid="login-submit">登 录</el-button>
      </el-form>
      <p class="zx-login-note">仅限授权工作人员使用，所有操作均记录审计日志。</p>
    </div>
    <div class="zx-login-footer">振兴台 · 巩固拓展脱贫攻坚成果 · 全面推进乡村振兴</div>
  </div>`,
  data() {
    return {
      model: { username: '', password: '' },
      rules: {
        username: [{ required: true, message: '请输入用户名', trigger: 'blur' }],
        password: [{ required: true, message: '请输入密码', trigger: 'blur' }],
      },
      error: '',
      busy: false,
      icons: window.ElementPlusIconsVue,
    };
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
        const res = await api.post('/session', this.model, { quiet: true, noRedirect: true });
        setSession(res.user, res.csrf_token);
        this.model.password = '';
        announceLogin(res.user);
        location.hash = '#' + defaultRoute();
      } catch (e) {
        this.error = e.message;
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
