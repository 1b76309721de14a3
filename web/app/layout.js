// Main layout: top bar, side panel (menu + area tree; an off-canvas drawer
// below 768px), breadcrumb of the current area, and the routed page.
import { api } from './api.js';
import { store, clearSession, seesAreaData, selectArea } from './store.js';
import { navMenu, navItem, isAreaScoped } from './nav.js';
import { formatTime } from './util.js';
import AreaTree from './components/area-tree.js';
import PasswordChange from './components/password-change.js';
import { startAutoFlush } from './visit-queue.js';

const { ElMessageBox } = window.ElementPlus;

export default {
  name: 'AppLayout',
  components: { AreaTree, PasswordChange },
  props: { path: { type: String, required: true } },
  template: `
  <div class="zx-shell" :class="{ 'zx-drawer-open': drawer }">
    <header class="zx-header">
      <button type="button" class="zx-burger" aria-label="菜单" @click="drawer = !drawer"
              data-testid="menu-toggle">
        <el-icon :size="22"><Fold v-if="drawer" /><Expand v-else /></el-icon>
      </button>
      <div class="zx-brand">
        <span class="zx-logo">振</span>
        <span class="zx-brand-name">振兴台</span>
        <span class="zx-brand-sub">· 乡村振兴工作平台</span>
      </div>
      <div class="zx-userbox" v-if="user">
        <el-dropdown trigger="click" @command="onUserCommand">
          <span class="zx-user" data-testid="current-user" role="button" tabindex="0">
            <el-icon class="zx-user-icon"><UserFilled /></el-icon>
            <span class="zx-user-name">{{ user.display_name || user.username }}</span>
            <span class="zx-user-role">{{ user.role_name }}</span>
            <span class="zx-user-area">{{ user.area_name }}</span>
            <el-icon class="zx-user-caret"><ArrowDown /></el-icon>
          </span>
          <template #dropdown>
            <el-dropdown-menu>
              <el-dropdown-item disabled class="zx-last-login">{{ lastLogin || '首次登录' }}</el-dropdown-item>
              <el-dropdown-item command="account" divided data-testid="menu-account">
                <el-icon><Lock /></el-icon>账号安全
              </el-dropdown-item>
              <el-dropdown-item command="password" data-testid="menu-password">
                <el-icon><Key /></el-icon>修改密码
              </el-dropdown-item>
            </el-dropdown-menu>
          </template>
        </el-dropdown>
        <el-button class="zx-logout" size="small" @click="logout" data-testid="logout">
          <el-icon><SwitchButton /></el-icon><span>退出</span>
        </el-button>
      </div>
    </header>
    <div class="zx-body">
      <div class="zx-scrim" @click="drawer = false"></div>
      <aside class="zx-aside" data-testid="aside">
        <el-menu :default-active="activeMenu" :default-openeds="openGroups" class="zx-menu" @select="go">
          <template v-for="n in nav" :key="n.group || n.path">
            <el-sub-menu v-if="n.group" :index="'group-' + n.group" :data-testid="'nav-group-' + n.group">
              <template #title><el-icon><component :is="n.icon" /></el-icon><span>{{ n.title }}</span></template>
              <el-menu-item v-for="c in n.children" :key="c.path" :index="c.path" :data-testid="'nav-' + c.path.slice(1)">
                <el-icon><component :is="c.icon" /></el-icon><span>{{ c.title }}</span>
              </el-menu-item>
            </el-sub-menu>
            <el-menu-item v-else :index="n.path" :data-testid="'nav-' + n.path.slice(1)">
              <el-icon><component :is="n.icon" /></el-icon><span>{{ n.title }}</span>
            </el-menu-item>
          </template>
        </el-menu>
        <area-tree v-if="showTree" v-show="areaScoped" @picked="drawer = false"></area-tree>
      </aside>
      <main class="zx-main">
        <el-breadcrumb v-if="showTree && areaScoped && areaPath.length" separator="/" class="zx-crumb"
                       data-testid="breadcrumb">
          <el-breadcrumb-item v-for="(a, i) in areaPath" :key="a.code">
            <a v-if="i < areaPath.length - 1" class="zx-crumb-link" role="link" tabindex="0"
               @click="pick(i)" @keydown.enter="pick(i)">{{ a.name }}</a>
            <span v-else>{{ a.name }}</span>
          </el-breadcrumb-item>
        </el-breadcrumb>
        <el-alert v-if="user && user.must_change_password" type="warning" show-icon :closable="false"
                  class="zx-gap-b" data-testid="must-change-password">
          <template #title>
            您正在使用初始密码，请尽快<a class="zx-crumb-link" role="link" tabindex="0"
              @click="pwOpen = true" @keydown.enter="pwOpen = true">修改密码</a>。
          </template>
        </el-alert>
        <slot></slot>
      </main>
      <password-change :model-value="pwOpen || pwForced" @update:model-value="pwOpen = $event"
                       :forced="pwForced" @changed="onPasswordChanged"></password-change>
    </div>
  </div>`,
  data() {
    return { drawer: false, pwOpen: false };
  },
  computed: {
    user() { return store.user; },
    // The server refused a call with 403 password_change_required.
    pwForced() { return store.pwForced; },
    nav() { return navMenu(); },
    // A page reached from a list (e.g. /household/…) lights up that list's entry.
    activeMenu() {
      const item = navItem(this.path);
      return item ? item.menu || item.path : this.path;
    },
    openGroups() { return this.nav.filter((n) => n.group).map((n) => 'group-' + n.group); },
    showTree() { return seesAreaData(); },
    areaPath() { return store.areaPath; },
    areaScoped() { return isAreaScoped(this.path); },
    lastLogin() {
      const u = store.user;
      if (!u || !u.last_login_at) return '';
      return `上次登录: ${formatTime(u.last_login_at)}${u.last_login_ip ? '  IP ' + u.last_login_ip : ''}`;
    },
  },
  watch: {
    path() { this.drawer = false; },
  },
  mounted() {
    // Visits saved offline go out as soon as the app runs and whenever the network returns.
    startAutoFlush();
  },
  methods: {
    go(index) {
      location.hash = '#' + index;
      this.drawer = false;
    },
    onUserCommand(cmd) {
      if (cmd === 'password') this.pwOpen = true;
      else if (cmd === 'account') location.hash = '#/account';
    },
    // After a change (forced or not) the page and the area tree load again:
    // what the server refused before is allowed now.
    onPasswordChanged() {
      store.reloadSeq++;
    },
    pick(i) {
      const path = store.areaPath.slice(0, i + 1);
      selectArea(path[i], path, false);
    },
    async logout() {
      try {
        await ElMessageBox.confirm('确定退出登录吗？', '退出', {
          confirmButtonText: '退出', cancelButtonText: '取消', type: 'warning',
        });
      } catch (_) {
        return;
      }
      try {
        await api.del('/session', { quiet: true, noRedirect: true });
      } catch (_) {
        // Signed out locally either way.
      }
      clearSession();
      location.hash = '#/login';
    },
  },
};
