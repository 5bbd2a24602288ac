package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/projection"
)

//go:embed web
var webFS embed.FS

// webRoutes registers the web pages: the board at /, sign-in and sign-out,
// the board's live event stream and the static files. Pages read the
// session cookie (see pageSession); forms carry a CSRF token.
func (s *Server) webRoutes() {
	w := &web{Server: s}
	s.echo.Use(s.pageSession)
	s.handle("GET", "/", viewers, w.boardPage)
	s.handle("GET", "/events/board", viewers, w.boardEvents)
	s.handle("GET", "/units/:code", readers, w.unitDrillDown)
	s.handle("GET", "/audit/history", historyReaders, w.historyPage)
	s.handle("GET", "/audit/diff", auditors, w.diffPage)
	s.handle("GET", "/login", public, s.getLogin)
	s.handle("POST", "/login", public, s.postLogin)
	s.handle("POST", "/logout", public, s.postLogout)
	s.handle("GET", "/static/*", public, serveStatic)
	w.workRoutes()
}

// webAssets are the parsed templates and the static files with their
// content hashes; they are compiled in, so a parse error is a build bug.
var webAssets = sync.OnceValue(func() *assets {
	tmpl := template.Must(template.New("").Funcs(template.FuncMap{"add": func(a, b int) int { return a + b }, "tr": pick}).ParseFS(webFS, "web/templates/*.html"))
	a := &assets{tmpl: tmpl, static: map[string]staticFile{}}
	sum := sha256.New()
	err := fs.WalkDir(webFS, "web/static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := webFS.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		sum.Write(h[:])
		a.static[strings.TrimPrefix(p, "web/static/")] = staticFile{body: b, etag: `"` + hex.EncodeToString(h[:8]) + `"`}
		return nil
	})
	if err != nil {
		panic(err)
	}
	a.version = hex.EncodeToString(sum.Sum(nil)[:6])
	return a
})

type assets struct {
	tmpl    *template.Template
	static  map[string]staticFile
	version string
}

type staticFile struct {
	body []byte
	etag string
}

var staticTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

// serveStatic answers GET /static/* from the embedded files. Pages link
// them with ?v=<content hash>, so they may be cached for a day.
func serveStatic(c echo.Context) error {
	name := c.Param("*")
	f, ok := webAssets().static[name]
	ctype, known := staticTypes[path.Ext(name)]
	if !ok || !known {
		return domain.NotFound("", "Không có tệp này", "no such file")
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("ETag", f.etag)
	if c.Request().Header.Get("If-None-Match") == f.etag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, ctype, f.body)
}

// render executes the template name into the response.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := webAssets().tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return domain.Internal(err, "rendering %s", name)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

type errorPage struct {
	pageBase
	Message string
}

// renderError shows message on an HTML page with status.
func (s *Server) renderError(c echo.Context, status int, message string) error {
	return s.render(c, status, "error.html", errorPage{pageBase: newPageBase(c, langOf(c)), Message: message})
}

// pageBase is what every page's layout needs.
type pageBase struct {
	Lang    string
	T       pageTexts
	Static  string // asset version for cache busting
	Actor   *domain.Actor
	CSRF    string // for the sign-out form
	SwitchL string // the same page in the other language
}

func newPageBase(c echo.Context, lang string) pageBase {
	b := pageBase{Lang: lang, T: texts[lang], Static: webAssets().version}
	if a, err := actorOf(c); err == nil {
		b.Actor = &a
	}
	q := c.Request().URL.Query()
	if lang == "en" {
		q.Del("lang")
	} else {
		q.Set("lang", "en")
	}
	b.SwitchL = c.Request().URL.Path
	if enc := q.Encode(); enc != "" {
		b.SwitchL += "?" + enc
	}
	if c.Request().Method != http.MethodGet {
		b.SwitchL = c.Request().URL.Path + langQuery(otherLang(lang))
	}
	return b
}

func langOf(c echo.Context) string {
	if c.QueryParam("lang") == "en" {
		return "en"
	}
	return "vi"
}

func otherLang(lang string) string {
	if lang == "en" {
		return "vi"
	}
	return "en"
}

func langQuery(lang string) string {
	if lang == "en" {
		return "?lang=en"
	}
	return ""
}

// boardView is what the board template shows.
type boardView struct {
	pageBase
	Period    string
	Mode      string
	Search    string
	Kind      string
	Periods   []string
	Kinds     []domain.UnitKind
	EventsURL string
	// ExportXLSX and ExportCSV download the same figures as the page
	// shows; built here from validated values, so trusted as URLs.
	ExportXLSX, ExportCSV template.URL
	Live                  liveView
	// Alerts are the latest deadline alerts the reader may see.
	Alerts []alertView
	// AsOfInput and RecordedInput echo the time-travel fields as typed.
	AsOfInput, RecordedInput string
	// Auditing: the reader may open the audit pages (history, diff).
	Auditing bool
}

// liveView is the part of the board that live updates replace.
type liveView struct {
	T           pageTexts
	Position    uint64
	Summary     string
	AsOf        string
	Bands       []bandView
	Rows        []rowView
	BandChartH  int
	UnitChartH  int
	Empty       bool
	ModeLabel   string
	PeriodLabel string
	Lang        string
	// Banner says which past the board shows ("" for the live board);
	// AsOfParam and RecordedParam carry it into the drill-down links.
	Banner, AsOfParam, RecordedParam string
}

type bandView struct {
	Key, Label        string
	Count, Cumulative int
	Width, Y, TextY   int
}

type rowView struct {
	Rank                                               int
	Unit, Name, Percent, Band, BandLabel               string
	Value                                              string // the percent for sorting; "" without a commitment
	OnTime, Late, OpenInTime, Overdue, Width, Y, TextY int
}

// Chart geometry, in SVG user units.
const (
	chartBarMax = 300
	chartRowH   = 22
)

// boardPage answers GET / with the board of a period.
func (s *web) boardPage(c echo.Context) error {
	lang := langOf(c)
	if s.cfg.Boards == nil {
		return s.renderError(c, http.StatusInternalServerError, texts[lang].NoBoard)
	}
	q, err := s.pageQuery(c)
	if err != nil {
		if de := domain.AsError(err); de != nil && de.Code == domain.CodeInvalid {
			return s.renderError(c, http.StatusUnprocessableEntity, pick(lang, de.VI, de.EN))
		}
		return err
	}
	live, err := s.liveBoard(c.Request().Context(), q, lang)
	if err != nil {
		return err
	}
	ev := url.Values{"period": {q.Period.String()}, "mode": {string(q.Mode)}, "since": {strconv.FormatUint(live.Position, 10)}}
	for k, v := range map[string]string{"lang": c.QueryParam("lang"), "q": q.Search, "kind": string(q.Kind)} {
		if v != "" {
			ev.Set(k, v)
		}
	}
	base := newPageBase(c, lang)
	base.CSRF = csrfValue(c)
	if base.CSRF == "" {
		base.CSRF = newCSRF(c)
	}
	page := boardView{pageBase: base, Period: q.Period.String(), Mode: string(q.Mode), Search: q.Search, Kind: string(q.Kind),
		Periods: periodChoices(q.Period), Kinds: domain.UnitKinds, EventsURL: "/events/board?" + ev.Encode(), Live: live,
		AsOfInput: c.QueryParam("as_of"), RecordedInput: c.QueryParam("recorded_at"),
		Alerts: s.pageAlerts(c, lang)}
	if live.Banner != "" {
		page.EventsURL = "" // a past board does not change: no live updates
	}
	page.Auditing = base.Actor != nil && auditors.allows(domain.Role(base.Actor.Role))
	exp := url.Values{"mode": {string(q.Mode)}, "lang": {lang}}
	for k, v := range map[string]string{"q": q.Search, "kind": string(q.Kind), "as_of": live.AsOfParam, "recorded_at": live.RecordedParam} {
		if v != "" {
			exp.Set(k, v)
		}
	}
	export := "/api/v1/boards/" + url.PathEscape(q.Period.String()) + "/export."
	page.ExportXLSX = template.URL(export + "xlsx?" + exp.Encode())
	page.ExportCSV = template.URL(export + "csv?" + exp.Encode())
	return s.render(c, http.StatusOK, "board.html", page)
}

// pageQuery reads the board page's query: period (default: the latest
// quarter with a signed commitment), mode, kind and q.
func (s *web) pageQuery(c echo.Context) (projection.Query, error) {
	var q projection.Query
	var verr *domain.Error
	if p := c.QueryParam("period"); p != "" {
		if q.Period, verr = domain.ParsePeriod("period", p); verr != nil {
			return q, verr
		}
	} else {
		q.Period = s.defaultPeriod(c.Request().Context())
	}
	return q, boardFilters(c, &q)
}

// positioner is implemented by boards that can say how far they have
// folded the log (the projector).
type positioner interface {
	Position() eventstore.Position
}

// web serves the board pages of a Server; it caches the default period
// per projection position.
type web struct {
	*Server
	mu       sync.Mutex
	periodAt eventstore.Position
	period   domain.Period
	// once runs each workspace form once (web_forms.go).
	once onceForms
}

// defaultPeriod returns the latest quarter (from a year ahead back ten
// years) that has a signed commitment on the board, else the current one.
func (s *web) defaultPeriod(ctx context.Context) domain.Period {
	current := quarterOf(domain.DateOf(time.Now()))
	pos, known := s.cfg.Boards.(positioner)
	var at eventstore.Position
	if known {
		at = pos.Position()
		s.mu.Lock()
		if s.periodAt == at && !s.period.IsZero() {
			p := s.period
			s.mu.Unlock()
			return p
		}
		s.mu.Unlock()
	}
	found := current
	for i := 4; i >= -40; i-- {
		p := addQuarters(current, i)
		b, err := s.cfg.Boards.Board(ctx, projection.Query{Period: p})
		if err != nil {
			break
		}
		if hasCommitment(b) {
			found = p
			break
		}
	}
	if known {
		s.mu.Lock()
		s.periodAt, s.period = at, found
		s.mu.Unlock()
	}
	return found
}

func hasCommitment(b projection.Board) bool {
	for _, r := range b.Rows {
		if len(r.Commitments) > 0 {
			return true
		}
	}
	return false
}

func quarterOf(d domain.Date) domain.Period {
	return domain.MustParsePeriod(fmt.Sprintf("%04d-Q%d", d.Year, (int(d.Month)+2)/3))
}

// addQuarters returns the quarter n quarters after p (a quarter).
func addQuarters(p domain.Period, n int) domain.Period {
	start := p.Start()
	idx := start.Year*4 + (int(start.Month)-1)/3 + n
	return domain.MustParsePeriod(fmt.Sprintf("%04d-Q%d", idx/4, idx%4+1))
}

// periodChoices lists the quarters the picker offers: two years around
// the shown period, and the shown period itself when it is not a quarter.
func periodChoices(shown domain.Period) []string {
	q := quarterOf(shown.End())
	var out []string
	if q.String() != shown.String() {
		out = append(out, shown.String())
	}
	for i := 4; i >= -8; i-- {
		out = append(out, addQuarters(q, i).String())
	}
	return out
}

// liveBoard computes the board for q and its view in lang.
func (s *web) liveBoard(ctx context.Context, q projection.Query, lang string) (liveView, error) {
	var at eventstore.Position
	if p, ok := s.cfg.Boards.(positioner); ok {
		at = p.Position() // read before the board: the board is at least this new
	}
	b, err := s.cfg.Boards.Board(ctx, q)
	if err != nil {
		return liveView{}, err
	}
	t := texts[lang]
	v := liveView{T: t, Position: uint64(at), Summary: pick(lang, b.SummaryVI, b.SummaryEN), AsOf: b.AsOfDate.Display(),
		Empty: len(b.Rows) == 0, PeriodLabel: b.Period, ModeLabel: t.Modes[string(b.Mode)], Lang: lang}
	if v.Summary == "" {
		v.Summary = t.NoUnits
	}
	v.Banner, v.AsOfParam, v.RecordedParam = travelBanner(q.AsOf, lang)
	maxCount := 1
	for _, bc := range b.Bands {
		maxCount = max(maxCount, bc.Count)
	}
	labels := map[string]string{}
	for i, bc := range b.Bands {
		label := pick(lang, bc.LabelVI, bc.LabelEN)
		labels[bc.Key] = label
		v.Bands = append(v.Bands, bandView{Key: bc.Key, Label: label, Count: bc.Count, Cumulative: bc.Cumulative,
			Width: bc.Count * chartBarMax / maxCount, Y: i * chartRowH, TextY: i*chartRowH + 15})
	}
	v.BandChartH = len(b.Bands) * chartRowH
	for i, r := range b.Rows {
		w := 0
		if r.Percent != nil {
			w = int(*r.Percent * chartBarMax / 100)
		}
		value := ""
		if r.Percent != nil {
			value = strconv.FormatFloat(*r.Percent, 'f', 2, 64)
		}
		v.Rows = append(v.Rows, rowView{Rank: r.Rank, Unit: r.Unit, Name: r.Name, Percent: percentText(r.Percent, lang), Value: value,
			Band: r.Band, BandLabel: labels[r.Band], OnTime: r.Tasks.CompletedOnTime, Late: r.Tasks.CompletedLate,
			OpenInTime: r.Tasks.OpenInTime, Overdue: r.Tasks.OpenOverdue, Width: w, Y: i * chartRowH, TextY: i*chartRowH + 15})
	}
	v.UnitChartH = len(b.Rows) * chartRowH
	return v, nil
}

// percentText writes a percentage with 2 decimals: "91,66%" in
// Vietnamese, "91.66%" in English, "—" without a figure.
func percentText(p *float64, lang string) string {
	if p == nil {
		return "—"
	}
	s := strconv.FormatFloat(*p, 'f', 2, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

func pick(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}

// heartbeatEvery is how often an idle board stream sends a comment, so
// that proxies keep it open.
const heartbeatEvery = 25 * time.Second

// boardUpdate is one live update of the board stream.
type boardUpdate struct {
	Position uint64 `json:"position"`
	HTML     string `json:"html"`
}

// boardEvents answers GET /events/board with a server-sent event stream:
// an "board" event carrying the re-rendered live part of the board each
// time the projection moves and changes it, and a comment every 25 s. The
// stream ends when the client goes away or after streamTimeout (the
// browser then reconnects, sending Last-Event-ID); the server's write
// timeout does not apply to it.
func (s *web) boardEvents(c echo.Context) error {
	lang := langOf(c)
	if s.cfg.Boards == nil {
		return &domain.Error{Code: domain.CodeInternal, VI: "Bảng theo dõi chưa sẵn sàng", EN: "the board is not available"}
	}
	q, err := s.pageQuery(c)
	if err != nil {
		return err
	}
	var since uint64
	last := c.Request().Header.Get("Last-Event-ID")
	if last == "" {
		last = c.QueryParam("since")
	}
	if last != "" {
		if since, err = strconv.ParseUint(last, 10, 64); err != nil {
			return domain.Invalid("since", "since phải là vị trí (số)", "since must be a position (a number)")
		}
	} else if p, ok := s.cfg.Boards.(positioner); ok {
		since = uint64(p.Position())
	}
	w := c.Response()
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		s.log.Warn("event stream: cannot lift the write deadline", "err", err)
	}
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	w.Flush()
	ctx := c.Request().Context()
	var sent string
	for {
		wait, cancel := context.WithTimeout(ctx, heartbeatEvery)
		err := s.cfg.Boards.WaitFor(wait, eventstore.Position(since+1))
		cancel()
		if ctx.Err() != nil {
			return nil // the client went away, or the request's deadline passed
		}
		if err != nil {
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			w.Flush()
			continue
		}
		live, err := s.liveBoard(ctx, q, lang)
		if err != nil {
			return nil
		}
		since = max(since+1, live.Position)
		var buf bytes.Buffer
		if err := webAssets().tmpl.ExecuteTemplate(&buf, "live", live); err != nil {
			s.log.Error("rendering the live board", "err", err)
			return nil
		}
		if buf.String() == sent {
			continue // the move did not change this board
		}
		sent = buf.String()
		data, err := json.Marshal(boardUpdate{Position: since, HTML: sent})
		if err != nil {
			return nil
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: board\ndata: %s\n\n", since, data); err != nil {
			return nil
		}
		w.Flush()
	}
}

// pageTexts are the words of the pages in one language.
type pageTexts struct {
	Title, Board, Login, Logout, TokenLabel, TokenHelp, SignIn, LoginRefused, CSRFRefused  string
	Period, Mode, Search, Kind, AllKinds, Show, SwitchTo, SignedInAs, NoBoard, NoUnits     string
	Rank, Unit, Percent, Band, OnTime, Late, OpenInTime, Overdue, Tasks, Count, Cumulative string
	BandChart, UnitChart, AsOf, Live, Closed, Error                                        string
	Modes                                                                                  map[string]string
}

var texts = map[string]pageTexts{
	"vi": {
		Title: "Bảng theo dõi cam kết cải cách hành chính", Board: "Bảng theo dõi", Login: "Đăng nhập", Logout: "Đăng xuất",
		TokenLabel: "Token truy cập", TokenHelp: "Dán token do camket token issue cấp (hoặc token của cổng đăng nhập tỉnh).",
		SignIn: "Đăng nhập", LoginRefused: "Token không hợp lệ hoặc đã hết hạn. Token is invalid or expired.",
		CSRFRefused: "Biểu mẫu đã hết hạn, hãy tải lại trang và thử lại. The form expired; reload the page and try again.",
		Period:      "Kỳ", Mode: "Số liệu", Search: "Tìm đơn vị", Kind: "Loại đơn vị", AllKinds: "Tất cả", Show: "Xem",
		SwitchTo: "English", SignedInAs: "Đăng nhập với", NoBoard: "Bảng theo dõi chưa sẵn sàng", NoUnits: "Không có đơn vị nào phù hợp",
		Rank: "Hạng", Unit: "Đơn vị", Percent: "Tỷ lệ hoàn thành", Band: "Mức", OnTime: "Hoàn thành đúng hạn", Late: "Hoàn thành trễ hạn",
		OpenInTime: "Đang thực hiện trong hạn", Overdue: "Quá hạn", Tasks: "Nhiệm vụ", Count: "Số đơn vị", Cumulative: "Lũy kế",
		BandChart: "Phân bố đơn vị theo mức hoàn thành", UnitChart: "Tỷ lệ hoàn thành theo đơn vị", AsOf: "Số liệu đến ngày",
		Live: "Tự động cập nhật", Closed: "Đã ngừng cập nhật tự động: hãy tải lại trang (có thể phiên đăng nhập đã hết hạn)", Error: "Lỗi",
		Modes: map[string]string{"verified": "Đã thẩm định", "reported": "Tự báo cáo"},
	},
	"en": {
		Title: "Administrative reform commitment board", Board: "Board", Login: "Sign in", Logout: "Sign out",
		TokenLabel: "Access token", TokenHelp: "Paste a token from camket token issue (or from the province's sign-in service).",
		SignIn: "Sign in", LoginRefused: "Token is invalid or expired. Token không hợp lệ hoặc đã hết hạn.",
		CSRFRefused: "The form expired; reload the page and try again. Biểu mẫu đã hết hạn, hãy tải lại trang và thử lại.",
		Period:      "Period", Mode: "Figures", Search: "Find a unit", Kind: "Unit kind", AllKinds: "All", Show: "Show",
		SwitchTo: "Tiếng Việt", SignedInAs: "Signed in as", NoBoard: "The board is not available", NoUnits: "No unit matches",
		Rank: "Rank", Unit: "Unit", Percent: "Completion", Band: "Band", OnTime: "Completed on time", Late: "Completed late",
		OpenInTime: "Open, within deadline", Overdue: "Overdue", Tasks: "Tasks", Count: "Units", Cumulative: "Cumulative",
		BandChart: "Units by completion band", UnitChart: "Completion by unit", AsOf: "Figures as of",
		Live: "Live updates", Closed: "Live updates stopped: reload the page (your session may have ended)", Error: "Error",
		Modes: map[string]string{"verified": "Verified", "reported": "Self-reported"},
	},
}

// webRoute reports whether path (as registered) is one of the web pages
// rather than part of the API contract in api/openapi.yaml.
func webRoute(path string) bool {
	switch path {
	case "/", "/events/board", "/login", "/logout", "/static/*", "/import", "/units/:code":
		return true
	case "/audit/history", "/audit/diff":
		return true
	}
	return workPages[path]
}
