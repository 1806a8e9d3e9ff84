// The public surface of dashboard/: the command center's server and its API payload types.
export { startDashboard, type DashboardOptions, type Dashboard } from './server.js';
export type {
  ApiError,
  StudyListItem,
  TrialSummary,
  TrialDetail,
  TrialUpdate,
  StudyOverview,
  StudyEvent,
  Finding,
  Curves,
  Points,
} from './api.js';
