// The admin side of the services: questions about who holds what, what is pending, what happened,
// which alerts fire, and how roles are set up.
export {
  GraphAdminService,
  PIM_ADMIN_ROLE_IDS,
  ADMIN_PATHS,
  type AdminService,
  type DirectoryParts,
  type GraphAdminServiceDeps,
} from './adminService';
export type * from './model';
