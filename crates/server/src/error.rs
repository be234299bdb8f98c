//! Every answer the server gives when it cannot do what was asked, in one table.
//!
//! A [`Code`] is the stable machine code a client branches on (`"unknown_region"`, `"version_conflict"`), and the
//! code alone decides the HTTP status: no handler picks a status by hand. An [`ApiError`] adds what is particular
//! to one request — the message naming the value and the parameter it came from — and answers as
//! `{"error": {"code", "message", "parameter"}}`.
//!
//! Errors from the layers below turn into answers here, through `From`: the store's (a version conflict is always
//! a 409; a store still busy after waiting is a 503 with `Retry-After`; a database failure is a 500 whose details go
//! to the log, never to the client), the engine's and the model's. `docs/errors.md` lists the table for people; a test keeps the two in step.
//!
//! A few code strings are shared by two entries that differ in status, because clients already rely on both:
//! `unknown_region` is a 404 when the region named in the path does not exist and a 400 when a parameter names
//! one that does not; `reason_required` is a 400 for a missing field and a 422 when a state change needs a reason.

use axum::extract::rejection::PathRejection;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// Declares the table: variant = code string, status, Chinese title, English title.
macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $status:ident, $zh:literal, $en:literal), )*) => {
        /// Every error code the server can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// All codes, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable machine code, as clients see it.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The HTTP status every answer with this code carries.
            pub fn status(self) -> StatusCode {
                match self { $(Code::$variant => StatusCode::$status,)* }
            }

            /// What the code means, in Chinese.
            pub fn title_zh(self) -> &'static str {
                match self { $(Code::$variant => $zh,)* }
            }

            /// What the code means, in English.
            pub fn title_en(self) -> &'static str {
                match self { $(Code::$variant => $en,)* }
            }
        }
    };
}

codes! {
    // 400: a parameter or a body field is wrong.
    UnknownParameter = ("unknown_parameter", BAD_REQUEST, "未知参数", "a query parameter the route does not take"),
    MissingParameter = ("missing_parameter", BAD_REQUEST, "缺少参数", "a required parameter is missing"),
    Missing = ("missing", BAD_REQUEST, "缺少必填项", "a required body field is missing"),
    InvalidNumber = ("invalid_number", BAD_REQUEST, "数值无效", "not a number of the expected kind"),
    InvalidFlag = ("invalid_flag", BAD_REQUEST, "应为 true 或 false", "not true or false"),
    InvalidDate = ("invalid_date", BAD_REQUEST, "日期无效", "not a date (YYYY-MM-DD)"),
    InvalidMonth = ("invalid_month", BAD_REQUEST, "月份无效", "not a month (YYYY-MM)"),
    InvalidYear = ("invalid_year", BAD_REQUEST, "年份无效", "not a year in the accepted range"),
    WrongYear = ("wrong_year", BAD_REQUEST, "日期不在该年内", "a date outside the year being edited"),
    YearMismatch = ("year_mismatch", BAD_REQUEST, "年份不一致", "two dates that must share a year do not"),
    InvalidPeriod = ("invalid_period", BAD_REQUEST, "期间无效", "not a reporting period"),
    InvalidLimit = ("invalid_limit", BAD_REQUEST, "条数超出范围", "a page size outside its bounds"),
    InvalidRegion = ("invalid_region", BAD_REQUEST, "地区参数格式有误", "a region parameter of the wrong form"),
    UnknownRegion = ("unknown_region", BAD_REQUEST, "没有该地区", "a parameter names a region that does not exist"),
    UnknownTier = ("unknown_tier", BAD_REQUEST, "没有该层级", "a parameter names a tier that does not exist"),
    UnknownCluster = ("unknown_cluster", BAD_REQUEST, "没有该产业集群", "a parameter names a cluster that does not exist"),
    UnknownChain = ("unknown_chain", BAD_REQUEST, "没有该产业链", "a parameter names a chain that does not exist"),
    UnknownNode = ("unknown_node", BAD_REQUEST, "没有该链节点", "a parameter names a node that does not exist"),
    NodeOutsideCluster = ("node_outside_cluster", BAD_REQUEST, "节点不属于该集群", "the node is not in the cluster given"),
    UnknownFilterValue = ("unknown_filter_value", BAD_REQUEST, "筛选值不存在", "a filter names something that does not exist"),
    UnknownEnterprise = ("unknown_enterprise", BAD_REQUEST, "没有该企业", "a field names an enterprise that does not exist"),
    UnknownPark = ("unknown_park", BAD_REQUEST, "没有该园区", "a field names a park that does not exist"),
    UnknownEvent = ("unknown_event", BAD_REQUEST, "没有该活动", "a field names an event that does not exist"),
    UnknownCategory = ("unknown_category", BAD_REQUEST, "没有该诉求类别", "a field names a request category that does not exist"),
    UnknownKey = ("unknown_key", BAD_REQUEST, "未知的键", "a key the setting does not have"),
    UnknownField = ("unknown_field", BAD_REQUEST, "未知字段", "a body field the route does not take"),
    InvalidType = ("invalid_type", BAD_REQUEST, "字段类型有误", "a body field of the wrong JSON type"),
    TooLong = ("too_long", BAD_REQUEST, "内容过长", "a text longer than allowed"),
    TooLarge = ("too_large", BAD_REQUEST, "数值过大", "a value larger than allowed"),
    InvalidValue = ("invalid_value", BAD_REQUEST, "取值无效", "a value outside the accepted ones"),
    InvalidJson = ("invalid_json", BAD_REQUEST, "请求体不是有效的 JSON", "the body is not JSON"),
    InvalidBody = ("invalid_body", BAD_REQUEST, "请求体格式有误", "the body has the wrong shape"),
    InvalidUtf8 = ("invalid_utf8", BAD_REQUEST, "请求体不是 UTF-8 文本", "the body is not UTF-8 text"),
    EmptyBody = ("empty_body", BAD_REQUEST, "请求体为空", "the body has no fields"),
    InvalidPath = ("invalid_path", BAD_REQUEST, "路径参数有误", "a part of the path is not of the expected kind"),
    InvalidRequest = ("invalid_request", BAD_REQUEST, "请求无法读取", "the request could not be read (its query or body)"),
    InvalidId = ("invalid_id", BAD_REQUEST, "编号格式有误", "an id with characters it may not hold"),
    InvalidFormat = ("invalid_format", BAD_REQUEST, "不支持的格式", "an output format the route does not offer"),
    InvalidGroup = ("invalid_group", BAD_REQUEST, "分组方式无效", "not h3 or admin"),
    InvalidLevel = ("invalid_level", BAD_REQUEST, "行政级别无效", "not an administrative level"),
    InvalidWeight = ("invalid_weight", BAD_REQUEST, "权重无效", "not a weight the route knows"),
    InvalidWeights = ("invalid_weights", BAD_REQUEST, "权重组合无效", "weights that do not make a valid mix"),
    InvalidDiagonal = ("invalid_diagonal", BAD_REQUEST, "对角线取值无效", "not one or zero"),
    InvalidCell = ("invalid_cell", BAD_REQUEST, "H3 网格编号无效", "not an H3 cell index"),
    InvalidResolution = ("invalid_resolution", BAD_REQUEST, "H3 分辨率无效", "an H3 resolution outside the range"),
    InvalidBbox = ("invalid_bbox", BAD_REQUEST, "范围框无效", "not a bounding box west,south,east,north"),
    InvalidZoom = ("invalid_zoom", BAD_REQUEST, "缩放级别无效", "a zoom level outside the range"),
    InvalidQuery = ("invalid_query", BAD_REQUEST, "搜索词无效", "a search text that cannot be searched for"),
    ControlCharacter = ("control_character", BAD_REQUEST, "参数含控制字符", "a parameter holds a control character (NUL, line break …)"),
    InvalidSort = ("invalid_sort", BAD_REQUEST, "排序方式无效", "not a sort order the route knows"),
    InvalidScope = ("invalid_scope", BAD_REQUEST, "范围无效", "not a scope the route knows"),
    InvalidPreset = ("invalid_preset", BAD_REQUEST, "预设无效", "not a preset the route knows"),
    InvalidMetric = ("invalid_metric", BAD_REQUEST, "指标无效", "not a metric the route knows"),
    InvalidKind = ("invalid_kind", BAD_REQUEST, "类型无效", "not a kind the route knows"),
    InvalidHubKind = ("invalid_hub_kind", BAD_REQUEST, "载体类型无效", "not a kind of carrier"),
    InvalidStage = ("invalid_stage", BAD_REQUEST, "阶段无效", "not a project stage"),
    InvalidState = ("invalid_state", BAD_REQUEST, "状态无效", "not a request state"),
    InvalidChannel = ("invalid_channel", BAD_REQUEST, "渠道无效", "not a lead channel"),
    InvalidBand = ("invalid_band", BAD_REQUEST, "投资额区间无效", "not an investment band"),
    InvalidAmount = ("invalid_amount", BAD_REQUEST, "金额无效", "not an amount of money"),
    ImplausibleAmount = ("implausible_amount", BAD_REQUEST, "金额不合常理", "an amount too large to be meant"),
    PaidExceedsAgreed = ("paid_exceeds_agreed", BAD_REQUEST, "到位资金超过协议金额", "more paid in than agreed"),
    InvalidJobs = ("invalid_jobs", BAD_REQUEST, "就业人数无效", "not a number of jobs"),
    InvalidDocuments = ("invalid_documents", BAD_REQUEST, "附件清单有误", "a list of documents of the wrong shape"),
    InvalidNextSteps = ("invalid_next_steps", BAD_REQUEST, "下一步计划有误", "a list of next steps of the wrong shape"),
    InvalidChecklistItem = ("invalid_checklist_item", BAD_REQUEST, "清单事项有误", "a checklist item of the wrong shape"),
    DuplicateItemId = ("duplicate_item_id", BAD_REQUEST, "清单事项编号重复", "two checklist items share an id"),
    NotEditable = ("not_editable", BAD_REQUEST, "该字段不可直接修改", "a field that changes only through its own route"),
    UnexpectedVersion = ("unexpected_version", BAD_REQUEST, "不应给出版本号", "a version where none is taken"),
    BothClasses = ("both_classes", BAD_REQUEST, "不能同时给出两种分类", "two classifications where one is taken"),
    InvalidAttachments = ("invalid_attachments", BAD_REQUEST, "附件格式有误", "attachments of the wrong shape"),
    InvalidAction = ("invalid_action", BAD_REQUEST, "操作无效", "not an action on a request"),
    InvalidDays = ("invalid_days", BAD_REQUEST, "天数无效", "not a number of days"),
    InvalidRating = ("invalid_rating", BAD_REQUEST, "评价无效", "a rating outside 1–5"),
    ReasonRequired = ("reason_required", BAD_REQUEST, "须说明理由", "the reason field is required here"),
    InThePast = ("in_the_past", BAD_REQUEST, "日期早于发布日期", "a date before the posting date"),
    DateInFuture = ("date_in_future", BAD_REQUEST, "日期不能晚于今天", "a date after today"),
    InvalidRole = ("invalid_role", BAD_REQUEST, "角色无效", "not an account role"),
    InvalidUsername = ("invalid_username", BAD_REQUEST, "用户名无效", "a user name of the wrong form"),
    WeakPassword = ("weak_password", BAD_REQUEST, "密码强度不足", "a password too short or too simple"),
    SamePassword = ("same_password", BAD_REQUEST, "新密码与旧密码相同", "the new password equals the old one"),
    WrongCurrentPassword = ("bad_credentials", BAD_REQUEST, "当前密码不正确", "the current password given is wrong"),
    // 400 from the engine's computations.
    InvalidYearRange = ("invalid_year_range", BAD_REQUEST, "年份区间无效", "a year range that is empty or reversed"),
    YearOutOfSeries = ("year_out_of_series", BAD_REQUEST, "年份超出序列", "a year outside the series"),
    CagrZeroStart = ("cagr_zero_start", BAD_REQUEST, "起始值为零，无法计算增长率", "growth from a start of zero"),
    UnknownReference = ("unknown_reference", BAD_REQUEST, "参照范围无效", "not province, country or world"),
    ReferenceUnavailable = ("reference_unavailable", BAD_REQUEST, "该参照范围不可用", "a reference the data cannot give"),
    FocusNotInMatrix = ("focus_not_in_matrix", BAD_REQUEST, "焦点地区不在矩阵中", "the focus region has no data at this level"),
    ShapeMismatch = ("shape_mismatch", BAD_REQUEST, "矩阵形状不符", "a matrix of the wrong shape"),
    DuplicateName = ("duplicate_name", BAD_REQUEST, "名称重复", "a region or node named twice"),
    DuplicatePair = ("duplicate_pair", BAD_REQUEST, "组合重复", "a region and node pair given twice"),
    InvalidThreshold = ("invalid_threshold", BAD_REQUEST, "阈值无效", "a presence threshold that is not positive"),
    TooSmall = ("too_small", BAD_REQUEST, "数据过少", "too few regions or nodes to compute on"),
    NoPresence = ("no_presence", BAD_REQUEST, "没有任何存在的组合", "no region has any node present"),
    DegenerateEigenvalue = ("degenerate_eigenvalue", BAD_REQUEST, "特征值退化", "the complexity eigenvalue is not unique"),
    UndefinedSign = ("undefined_sign", BAD_REQUEST, "符号无法确定", "the complexity's sign cannot be fixed"),
    OutOfRange = ("out_of_range", BAD_REQUEST, "超出范围", "a value outside its range"),
    // 400 from settings uploaded whole (service catalogue, policies, work calendar).
    CatalogueParse = ("catalogue_parse", BAD_REQUEST, "服务目录无法解析", "the catalogue is not valid TOML"),
    CatalogueDuplicateId = ("catalogue_duplicate_id", BAD_REQUEST, "服务目录编号重复", "an id used twice in the catalogue"),
    CatalogueUnknownCategory = ("catalogue_unknown_category", BAD_REQUEST, "服务目录引用了不存在的类别", "the catalogue names a missing category"),
    CatalogueUnknownDepartment = ("catalogue_unknown_department", BAD_REQUEST, "服务目录引用了不存在的部门", "the catalogue names a missing department"),
    CatalogueZeroDeadline = ("catalogue_zero_deadline", BAD_REQUEST, "办理时限为零", "a deadline of zero days"),
    CatalogueEmergencyDeadline = ("catalogue_emergency_deadline", BAD_REQUEST, "紧急时限不短于普通时限", "an emergency deadline not shorter than the normal one"),
    CatalogueDuplicateRule = ("catalogue_duplicate_rule", BAD_REQUEST, "分派规则重复", "a routing rule given twice"),
    CatalogueMissingValue = ("catalogue_missing_value", BAD_REQUEST, "服务目录缺少必填项", "the catalogue lacks a required value"),
    PolicyParse = ("policy_parse", BAD_REQUEST, "政策文件无法解析", "the policies are not valid TOML"),
    PolicyDuplicateId = ("policy_duplicate_id", BAD_REQUEST, "政策编号重复", "a policy id used twice"),
    PolicyMissingValue = ("policy_missing_value", BAD_REQUEST, "政策缺少必填项", "a policy lacks a required value"),
    PolicyBadDate = ("policy_bad_date", BAD_REQUEST, "政策日期无效", "a policy date that is not a date"),
    PolicyDateOrder = ("policy_date_order", BAD_REQUEST, "政策起止日期颠倒", "a policy that ends before it starts"),
    PolicyUnknownFlag = ("policy_unknown_flag", BAD_REQUEST, "政策条件标记未知", "a policy condition on an unknown flag"),
    PolicyBadSizeBand = ("policy_bad_size_band", BAD_REQUEST, "企业规模档无效", "not a size band"),
    PolicyBadIndustryCode = ("policy_bad_industry_code", BAD_REQUEST, "行业代码无效", "not an industry code"),
    PolicyNegativeValue = ("policy_negative_value", BAD_REQUEST, "政策数值为负", "a negative amount in a policy"),
    PolicyUnknownReference = ("policy_unknown_reference", BAD_REQUEST, "政策引用了不存在的集群或节点", "a policy names a missing cluster or node"),
    CalendarMalformed = ("calendar_malformed", BAD_REQUEST, "工作日历格式有误", "a calendar line of the wrong form"),
    CalendarBadDate = ("calendar_bad_date", BAD_REQUEST, "工作日历日期无效", "a calendar date that is not a date"),
    CalendarBadKind = ("calendar_bad_kind", BAD_REQUEST, "工作日历类型无效", "not holiday or workday"),
    CalendarDuplicateDate = ("calendar_duplicate_date", BAD_REQUEST, "工作日历日期重复", "a day given twice"),
    CalendarWorkdayNotWeekend = ("calendar_workday_not_weekend", BAD_REQUEST, "调休上班日须为周末", "a make-up workday that is not a weekend day"),
    // 401, 403: who is asking.
    LoginRequired = ("login_required", UNAUTHORIZED, "请先登录", "sign in first"),
    BadCredentials = ("bad_credentials", UNAUTHORIZED, "用户名或密码错误", "wrong user name or password"),
    Forbidden = ("forbidden", FORBIDDEN, "角色无权执行此操作", "the role may not do this"),
    PasswordChangeRequired = ("password_change_required", FORBIDDEN, "请先修改一次性密码", "change the one-time password first"),
    CsrfFailed = ("csrf_failed", FORBIDDEN, "缺少或错误的 CSRF 令牌", "missing or wrong CSRF token"),
    CrossOrigin = ("cross_origin", FORBIDDEN, "拒绝跨站请求", "a sign-in from another site"),
    OutsideScope = ("outside_scope", FORBIDDEN, "超出您负责的范围", "outside the caller's 板块, department or enterprise"),
    // 404: what the path names does not exist.
    NotFound = ("not_found", NOT_FOUND, "没有该路由或记录", "no such route, or no such record"),
    RegionNotFound = ("unknown_region", NOT_FOUND, "没有该地区", "the region in the path does not exist"),
    ChainNotFound = ("unknown_chain", NOT_FOUND, "没有该产业链", "the chain in the path does not exist"),
    EnterpriseNotFound = ("unknown_enterprise", NOT_FOUND, "没有该企业", "the enterprise in the path does not exist"),
    ParkNotFound = ("unknown_park", NOT_FOUND, "没有该园区", "the park in the path does not exist"),
    EventNotFound = ("unknown_event", NOT_FOUND, "没有该活动", "the event in the path does not exist"),
    ProjectNotFound = ("unknown_project", NOT_FOUND, "没有该项目", "the project in the path does not exist"),
    VersionNotFound = ("unknown_version", NOT_FOUND, "没有该版本", "the project has no such version"),
    TicketNotFound = ("unknown_ticket", NOT_FOUND, "没有该诉求", "the request in the path does not exist"),
    PolicyNotFound = ("unknown_policy", NOT_FOUND, "没有该政策", "the policy in the path does not exist"),
    ItemNotFound = ("unknown_item", NOT_FOUND, "没有该供需信息", "the market item in the path does not exist"),
    AccountNotFound = ("unknown_account", NOT_FOUND, "没有该账户", "the account in the path does not exist"),
    // 405.
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED, "不支持该请求方法", "the path does not take this method"),
    // 408: the client did not send the whole request in time (or it could not be answered in time).
    RequestTimeout = ("request_timeout", REQUEST_TIMEOUT, "请求超时", "the request was not received or answered in time"),
    // 409: the write collides with the stored state.
    LastAdministrator = ("last_administrator", CONFLICT, "须保留至少一个管理员", "the change would leave no active administrator"),
    VersionConflict = ("version_conflict", CONFLICT, "已被他人修改，请刷新后重试", "changed by someone else since it was read"),
    AlreadyExists = ("already_exists", CONFLICT, "已存在", "a record with this id or name exists"),
    AlreadyInPipeline = ("already_in_pipeline", CONFLICT, "该企业已在项目库中", "the enterprise already has an active project"),
    DepartmentInUse = ("department_in_use", CONFLICT, "部门仍有未办结的诉求", "a department to remove still holds open requests"),
    // 413.
    BodyTooLarge = ("body_too_large", PAYLOAD_TOO_LARGE, "请求体过大", "the request body is too large"),
    // 422: the request is well formed, but the record's state does not allow the change.
    SameStage = ("same_stage", UNPROCESSABLE_ENTITY, "项目已处于该阶段", "the project is already at that stage"),
    MoveNotAllowed = ("move_not_allowed", UNPROCESSABLE_ENTITY, "不允许该阶段变更", "a stage change the pipeline does not allow"),
    TransitionReasonRequired = ("reason_required", UNPROCESSABLE_ENTITY, "该变更须说明理由", "this change needs a reason"),
    DateBeforeLastMove = ("date_before_last_move", UNPROCESSABLE_ENTITY, "日期早于上一次阶段变更", "a date before the last stage change"),
    MoveDateInFuture = ("date_in_future", UNPROCESSABLE_ENTITY, "阶段变更日期晚于今天", "a stage change dated after today"),
    InvalidTransition = ("invalid_transition", UNPROCESSABLE_ENTITY, "诉求当前状态不允许该操作", "the request's state does not allow this action"),
    MissingValue = ("missing_value", UNPROCESSABLE_ENTITY, "缺少办理所需内容", "the action lacks a value it needs"),
    ExtensionUsed = ("extension_used", UNPROCESSABLE_ENTITY, "已延期过一次", "the one extension is used"),
    ExtensionAfterDeadline = ("extension_after_deadline", UNPROCESSABLE_ENTITY, "已过时限，不能延期", "an extension asked after the deadline"),
    InvalidExtensionDays = ("invalid_extension_days", UNPROCESSABLE_ENTITY, "延期天数无效", "an extension of a number of days not allowed"),
    DeadlineNotLater = ("deadline_not_later", UNPROCESSABLE_ENTITY, "新时限不晚于原时限", "a new deadline not after the old one"),
    DeadlineBeforeStart = ("deadline_before_start", UNPROCESSABLE_ENTITY, "时限早于受理时间", "a deadline before the request was filed"),
    NoDeadline = ("no_deadline", UNPROCESSABLE_ENTITY, "诉求没有时限", "the request has no deadline"),
    NotAnswered = ("not_answered", UNPROCESSABLE_ENTITY, "诉求尚未答复", "the request has no answer yet"),
    RedoDeadlineRequired = ("redo_deadline_required", UNPROCESSABLE_ENTITY, "重办须给出新时限", "reopening needs a new deadline"),
    TimeBeforeLastEvent = ("time_before_last_event", UNPROCESSABLE_ENTITY, "时间早于上一次办理", "a time before the request's last step"),
    TicketUnknownCategory = ("unknown_category", UNPROCESSABLE_ENTITY, "诉求类别不在服务目录中", "the request's category is not in the catalogue"),
    UnknownDepartment = ("unknown_department", UNPROCESSABLE_ENTITY, "部门不在服务目录中", "the department is not in the catalogue"),
    // 429.
    TooManyAttempts = ("too_many_attempts", TOO_MANY_REQUESTS, "登录尝试过多", "too many sign-in attempts from this address"),
    TooManyRequests = ("too_many_requests", TOO_MANY_REQUESTS, "请求过于频繁", "too many requests from this address; wait as Retry-After says"),
    // 500: the server failed; the details are in its log.
    InternalError = ("internal_error", INTERNAL_SERVER_ERROR, "服务器内部错误", "the server failed"),
    DatabaseError = ("database_error", INTERNAL_SERVER_ERROR, "数据库错误", "the database failed"),
    StoreTooNew = ("store_too_new", INTERNAL_SERVER_ERROR, "数据库由更新版本写入", "the store was written by a newer version"),
    StoreCorrupt = ("store_corrupt", INTERNAL_SERVER_ERROR, "存储的记录已损坏", "a stored record is corrupt"),
    TaskFailed = ("task_failed", INTERNAL_SERVER_ERROR, "后台任务失败", "a background task failed"),
    HashFailed = ("hash_failed", INTERNAL_SERVER_ERROR, "密码处理失败", "hashing a password failed"),
    ExportFailed = ("export_failed", INTERNAL_SERVER_ERROR, "导出失败", "building a download failed"),
    // 503: a part this server was started without.
    RecordsUnavailable = ("records_unavailable", SERVICE_UNAVAILABLE, "未配置记录库", "the server has no record store"),
    AccountsUnavailable = ("accounts_unavailable", SERVICE_UNAVAILABLE, "未配置账户库", "the server has no account store"),
    ServiceUnavailable = ("service_unavailable", SERVICE_UNAVAILABLE, "未配置服务目录", "the server has no service catalogue"),
    // 503: the store could not do it now; the answer carries `Retry-After`.
    StoreBusy = ("store_busy", SERVICE_UNAVAILABLE, "数据库繁忙，请稍后重试", "the database stayed busy; try again shortly"),
    Interrupted = ("interrupted", SERVICE_UNAVAILABLE, "查询已中止", "the query was stopped before it finished"),
}

/// How many seconds a client should wait before trying again, for the codes that say "not now" (`Retry-After`).
const RETRY_AFTER_SECONDS: u32 = 2;

impl Code {
    /// An answer about one parameter or body field: `message` names the value and the parameter.
    pub fn param(self, parameter: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError { code: self, message: message.into(), parameter: Some(parameter.into()), extra: Map::new() }
    }

    /// An answer about the request as a whole.
    pub fn msg(self, message: impl Into<String>) -> ApiError {
        ApiError { code: self, message: message.into(), parameter: None, extra: Map::new() }
    }

    /// The `Retry-After` (seconds) an answer with this code carries: a busy or interrupted store may well do it on
    /// a second try.
    pub fn retry_after(self) -> Option<u32> {
        matches!(self, Code::StoreBusy | Code::Interrupted).then_some(RETRY_AFTER_SECONDS)
    }

    /// A 500 whose cause is written to the log; the client gets the code's bilingual title only.
    pub fn logged(self, cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(code = self.as_str(), "{cause}");
        self.msg(format!("{}，详情见服务器日志 / {}; the details are in the server's log", self.title_zh(), self.title_en()))
    }
}

/// An error answer: `{"error": {"code", "message", "parameter"}}`, with the status of its code.
#[derive(Debug)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
    pub parameter: Option<String>,
    /// Further members of the `error` object some answers carry (`locked_until`).
    pub extra: Map<String, Value>,
}

impl ApiError {
    /// The HTTP status, which the code decides.
    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// The same answer, naming the parameter it is about.
    pub fn at(mut self, parameter: impl Into<String>) -> Self {
        self.parameter = Some(parameter.into());
        self
    }

    /// The same answer, telling the client when to try again (`Retry-After`, and `error.retry_after_seconds`).
    pub fn retry_after(self, seconds: u64) -> Self {
        self.with("retry_after_seconds", json!(seconds))
    }

    /// The same answer with one more member in its `error` object.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_string(), value);
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("code".into(), json!(self.code.as_str()));
        body.insert("message".into(), json!(self.message));
        body.insert("parameter".into(), json!(self.parameter));
        // A wait the answer names itself, else the one its code implies (a busy store); in the body and the header alike.
        let retry = self.extra.get("retry_after_seconds").and_then(Value::as_u64).or(self.code.retry_after().map(u64::from));
        body.extend(self.extra);
        if let Some(secs) = retry {
            body.insert("retry_after_seconds".into(), json!(secs));
        }
        let mut res = (self.code.status(), Json(json!({ "error": body }))).into_response();
        if let Some(secs) = retry {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        res
    }
}

/// The store's errors: a version conflict, a missing or a duplicate record say so (their text names the record and
/// is meant for people); anything else is a 500 whose details go to the log. Matched on the store's stable codes,
/// so a change in how the store spells its variants does not reach here.
impl From<chainscope_store::StoreError> for ApiError {
    fn from(e: chainscope_store::StoreError) -> Self {
        match e.code() {
            "version_conflict" => Code::VersionConflict.msg(e.to_string()),
            "not_found" => Code::NotFound.msg(e.to_string()),
            "already_exists" => Code::AlreadyExists.msg(e.to_string()),
            "busy" => {
                tracing::warn!(code = "store_busy", "{}", with_causes(&e));
                Code::StoreBusy.msg(e.to_string())
            }
            "interrupted" => Code::Interrupted.msg(e.to_string()),
            "database_error" => Code::DatabaseError.logged(with_causes(&e)),
            "store_too_new" => Code::StoreTooNew.logged(with_causes(&e)),
            "store_corrupt" => Code::StoreCorrupt.logged(with_causes(&e)),
            _ => Code::InternalError.logged(with_causes(&e)),
        }
    }
}

/// An error and the errors it wraps, for the log (a store may keep the database's own words as the source).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// A blocking task that panicked or was cancelled.
impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        Code::TaskFailed.logged(e)
    }
}

mod convert;

/// `axum::extract::Path`, answering a path of the wrong kind (`/users/abc`) with a JSON 400 `invalid_path`
/// instead of axum's plain-text rejection.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => Err(path_rejection(e)),
        }
    }
}

fn path_rejection(e: PathRejection) -> ApiError {
    let detail = e.body_text();
    Code::InvalidPath.param("path", format!("路径参数有误：{detail} / a part of the path is wrong: {detail}"))
}

/// The JSON 405 for a method a routed path does not take (the router's `Allow` header stays).
pub async fn wrong_method() -> ApiError {
    Code::MethodNotAllowed.msg("该路径不支持此请求方法 / the path does not take this method")
}

/// The longest refusal text of the framework that is kept in the message.
const REFUSAL_TEXT_CHARS: usize = 300;

/// Middleware: every error answer under `/api/` is JSON in the shape of [`ApiError`]. The handlers' own refusals
/// already are; this catches the framework's plain-text ones (a query or body it could not read, a body over its
/// limit, a method the path does not take) and gives each the code of its status, keeping the headers (`Allow`,
/// `Retry-After`).
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let code = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY => Code::InvalidRequest,
        StatusCode::NOT_FOUND => Code::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => Code::RequestTimeout,
        StatusCode::PAYLOAD_TOO_LARGE => Code::BodyTooLarge,
        s if s.is_server_error() => Code::InternalError,
        _ => return res,
    };
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let text: String = text.trim().chars().take(REFUSAL_TEXT_CHARS).collect();
    let err = if code == Code::InternalError || text.is_empty() {
        code.msg(format!("{} / {}", code.title_zh(), code.title_en()))
    } else {
        code.msg(format!("{}：{text} / {}: {text}", code.title_zh(), code.title_en()))
    };
    if code == Code::InternalError {
        tracing::error!("a plain-text {status} answer: {text}");
    }
    let fresh = err.into_response();
    let (fresh_parts, fresh_body) = fresh.into_parts();
    parts.status = fresh_parts.status;
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.remove(axum::http::header::CONTENT_ENCODING);
    for (k, v) in &fresh_parts.headers {
        parts.headers.insert(k, v.clone());
    }
    Response::from_parts(parts, fresh_body)
}

/// The JSON 404 for a path no route takes.
pub async fn no_route() -> ApiError {
    Code::NotFound.msg("没有该路由 / no such route")
}

#[cfg(test)]
mod tests;
