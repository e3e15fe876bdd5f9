// Path building blocks shared by the Graph resource modules.
export const V = '^/(?:v1\\.0|beta)';
export const RM = `${V}/roleManagement/directory`;
/** filterByCurrentUser(on='principal') with any quoting/spacing Graph tolerates. */
export const FILTER_BY_CURRENT_USER = "/filterByCurrentUser\\(on='(?<on>[^']*)'\\)";
export const ID = '(?<id>[^/()]+)';
