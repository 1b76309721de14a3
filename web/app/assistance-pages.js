// The 帮扶 pages by route path, for main.js.
import VisitsPage from './pages/visits.js';
import PlansPage from './pages/plans.js';
import PlanPage from './pages/plan.js';
import CampaignsPage from './pages/campaigns.js';
import CampaignPage from './pages/campaign.js';
import TimelinePage from './pages/timeline.js';

export const ASSISTANCE_PAGES = {
  '/visits': VisitsPage,
  '/plans': PlansPage,
  '/plan': PlanPage,
  '/campaigns': CampaignsPage,
  '/campaign': CampaignPage,
  '/timeline': TimelinePage,
};
