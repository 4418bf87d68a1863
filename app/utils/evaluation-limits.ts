// Lengths the evaluator's forms allow, shared by the pages (maxLength) and the services (checks).
export const MAX_SCORE_COMMENT_LENGTH = 4000;
export const MAX_RECOMMENDATION_LENGTH = 6000;
