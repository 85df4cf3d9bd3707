import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { whenUnauthenticated } from './api';
import { forget } from './session';
import './styles.css';

// A call answered 401 (the session expired or was ended elsewhere): back to the log-in page, then here again.
whenUnauthenticated(() => {
  forget();
  const here = router.currentRoute.value;
  if (here.name !== 'login') void router.push({ name: 'login', query: { next: here.fullPath } });
});

createApp(App).use(router).mount('#app');
