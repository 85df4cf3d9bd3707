/**
 * The app's pages. One app for every role: the home page and the navigation show each user the
 * areas their role may use (`AREAS`); the API enforces the same rules (a page only shows what its
 * calls return).
 *
 * Areas: the Store Fulfillment App (`/stores…`, roles with `store:read`). The operations console
 * (orders, brokering, routing profiles, inventory, jobs; roles admin and operations) adds its
 * entries to AREAS and its pages to `routes` below, under `/ops`.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { can, loadSession, rememberedStore, session } from './session';
import LoginPage from './pages/LoginPage.vue';
import HomePage from './pages/HomePage.vue';
import StoresPage from './pages/StoresPage.vue';
import StoreQueuePage from './pages/StoreQueuePage.vue';
import OrderPage from './pages/OrderPage.vue';
import PackingSlipPage from './pages/PackingSlipPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import OpsOrdersPage from './pages/ops/OrdersPage.vue';
import OrderStoryPage from './pages/ops/OrderStoryPage.vue';
import BrokeringPage from './pages/ops/BrokeringPage.vue';
import JobsPage from './pages/ops/JobsPage.vue';
import UsersPage from './pages/ops/UsersPage.vue';
import RoutingProfilesPage from './pages/ops/RoutingProfilesPage.vue';
import RoutingProfilePage from './pages/ops/RoutingProfilePage.vue';
import FacilitiesPage from './pages/ops/FacilitiesPage.vue';
import InventoryPage from './pages/ops/InventoryPage.vue';

export interface Area { name: string; to: string; permission: string; description: string }

/** The areas of the app in the navigation and on the home page, each for the roles with its permission. */
export const AREAS: readonly Area[] = [
  { name: 'Stores', to: '/stores', permission: 'store:read', description: "Work a store's orders: pack, print packing slips, ship and reject." },
  { name: 'Orders', to: '/ops/orders', permission: 'orders:write', description: "Find orders; an order's whole story: items, moves, routing, rejections, NetSuite." },
  { name: 'Brokering', to: '/ops/brokering', permission: 'brokering', description: 'Run brokering now, its history and outcomes, the Exception list and retry.' },
  { name: 'Jobs', to: '/ops/jobs', permission: 'jobs', description: 'Schedules, pause and run now, run history with files and row errors, NetSuite refusals.' },
  { name: 'Users', to: '/ops/users', permission: 'users', description: 'Users, their roles and stores; API tokens.' },
  { name: 'Routing', to: '/ops/routing', permission: 'routing', description: 'Routing profiles: edit the rules, try them on the current queue, their history.' },
  { name: 'Facilities', to: '/ops/facilities', permission: 'catalog:write', description: 'Facilities on a map and as a list: type, fulfilment system, daily limit.' },
  { name: 'Stock', to: '/ops/inventory', permission: 'inventory:write', description: 'Stock and available-to-promise by product and facility; adjust or count.' },
  // The operations console's areas go here (e.g. { name: 'Orders', to: '/ops/orders', permission: 'orders:read', … }).
];

export const areasOf = () => AREAS.filter((a) => can(a.permission));

const TAB = '(open|in-progress|completed-today)';

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: 'Log in' } },
  {
    path: '/', name: 'home', component: HomePage, meta: { title: 'Home' },
    // A store associate goes straight to their store (the one they worked at last, or their only one).
    beforeEnter: () => {
      const me = session.me!;
      if (me.user.role !== 'store') return true;
      const last = rememberedStore();
      if (last && me.user.facilities.includes(last)) return `/stores/${encodeURIComponent(last)}/open`;
      return me.user.facilities.length === 1 ? `/stores/${encodeURIComponent(me.user.facilities[0])}/open` : '/stores';
    },
  },
  { path: '/stores', name: 'stores', component: StoresPage, meta: { title: 'My stores', permission: 'store:read' } },
  { path: '/stores/:facilityId', redirect: (to) => `/stores/${encodeURIComponent(String(to.params.facilityId))}/open` },
  { path: `/stores/:facilityId/:tab${TAB}`, name: 'queue', component: StoreQueuePage, meta: { title: 'Orders', permission: 'store:read' } },
  { path: '/stores/:facilityId/orders/:orderId', name: 'order', component: OrderPage, meta: { title: 'Order', permission: 'store:read' } },
  { path: '/stores/:facilityId/orders/:orderId/slip', name: 'slip', component: PackingSlipPage, meta: { title: 'Packing slip', permission: 'store:read' } },
  { path: '/ops/routing', name: 'routing-profiles', component: RoutingProfilesPage, meta: { title: 'Routing profiles', permission: 'routing' } },
  { path: '/ops/routing/:id', name: 'routing-profile', component: RoutingProfilePage, meta: { title: 'Routing profile', permission: 'routing' } },
  { path: '/ops/facilities', name: 'facilities', component: FacilitiesPage, meta: { title: 'Facilities', permission: 'catalog:write' } },
  { path: '/ops/inventory', name: 'inventory', component: InventoryPage, meta: { title: 'Stock', permission: 'inventory:write' } },
  { path: '/ops/orders', name: 'ops-orders', component: OpsOrdersPage, meta: { title: 'Orders', permission: 'orders:write' } },
  { path: '/ops/orders/:orderId', name: 'ops-order', component: OrderStoryPage, meta: { title: 'Order', permission: 'brokering' } },
  { path: '/ops/brokering', name: 'ops-brokering', component: BrokeringPage, meta: { title: 'Brokering', permission: 'brokering' } },
  { path: '/ops/jobs', name: 'ops-jobs', component: JobsPage, meta: { title: 'Jobs and feeds', permission: 'jobs' } },
  { path: '/ops/users', name: 'ops-users', component: UsersPage, meta: { title: 'Users and tokens', permission: 'users' } },
  // Operations console routes go here, under /ops (meta.permission holds each page to its role).
  { path: '/:rest(.*)*', name: 'not-found', component: NotFoundPage, meta: { title: 'Not found' } },
];

export const router = createRouter({ history: createWebHistory('/app/'), routes });

router.beforeEach(async (to) => {
  const me = await loadSession();
  if (to.meta.public) return me && to.name === 'login' ? '/' : true;
  if (!me) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  const permission = to.meta.permission as string | undefined;
  if (permission && !can(permission)) return { name: 'home' };
  return true;
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · OMS`.replace(/^ · /, '');
});
