// Shows a server-generated password exactly once, with a copy button.
// The password is dropped from memory when the dialog closes.
const { ElMessage } = window.ElementPlus;

export default {
  name: 'PasswordDialog',
  props: {
    modelValue: { type: Boolean, default: false },
    username: { type: String, default: '' },
    password: { type: String, default: '' },
  },
  emits: ['update:modelValue'],
  template: `
  <el-dialog :model-value="modelValue" @update:model-value="$emit('update:modelValue', $event)"
             title="新密码（仅显示一次）" width="min(440px, 94vw)" :close-on-click-modal="false"
             data-testid="password-dialog">
    <p>用户 <b>{{ username }}</b> 的密码为：</p>
    <div class="zx-password-box">
      <code class="zx-password" data-testid="generated-password" ref="pw">{{ password }}</code>
      <el-button size="small" @click="copy"><el-icon><CopyDocument /></el-icon><span>复制</span></el-button>
    </div>
    <el-alert type="warning" :closable="false" show-icon
              title="关闭后将无法再次查看，请立即通过安全渠道告知本人，并提醒其首次登录后修改密码。"></el-alert>
    <template #footer>
      <el-button type="primary" @click="$emit('update:modelValue', false)" data-testid="password-done">我已记下</el-button>
    </template>
  </el-dialog>`,
  methods: {
    async copy() {
      try {
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(this.password);
        } else {
          const range = document.createRange();
          range.selectNodeContents(this.$refs.pw);
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          document.execCommand('copy');
          sel.removeAllRanges();
        }
        ElMessage.success('已复制');
      } catch (_) {
        ElMessage.warning('复制失败，请手动选择密码复制');
      }
    },
  },
};
