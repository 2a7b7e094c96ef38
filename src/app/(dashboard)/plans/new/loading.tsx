// The same placeholder as the edit page: both are the plan form.
export { default } from "../[key]/edit/loading";
