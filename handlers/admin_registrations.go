package handlers

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"delegate/i18n"
	"delegate/store"
)

// listView is the registrations page.
type listView struct {
	F          store.Filter
	Rows       []store.Registration
	Total      int
	Capped     bool // more than Total match
	Pages      int
	Prev, Next string
	Statuses   []option
	Categories []option
	Countries  []option
	Payments   []option
	Hotels     []option
	Visits     []option
	Sorts      []option
	CatNames   map[string]string
	L          *i18n.Localizer
	Query      template.URL      // the filters, for the export links
	Filters    map[string]string // and for "all that match" in the bulk form
}

// filterFields are the list's filters that get gives a value, by name:
// for hidden fields that carry them into a form.
func filterFields(get func(string) string) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"status", "category", "country", "q", "letter", "payment", "hotel", "visit", "printed"} {
		if x := get(k); x != "" {
			out[k] = x
		}
	}
	return out
}

// exportQuery is the request's filters without paging, encoded by
// url.Values and so safe in a link as it is.
func exportQuery(c *gin.Context) template.URL {
	q := c.Request.URL.Query()
	q.Del("page")
	return template.URL(q.Encode())
}

const adminPerPage = 50

func (h *Handler) showRegistrations(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	s := h.db.Settings()
	f := listFilter(c)
	f.PerPage = adminPerPage
	f.Page, _ = strconv.Atoi(c.Query("page"))
	f.Page = max(f.Page, 1)
	f.After = c.Query("after")
	p, err := h.db.FindPage(ctx, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	countries, err := h.db.Countries(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := listView{F: f, Rows: p.Rows, Total: p.Total, Capped: p.Capped, Pages: (p.Total + adminPerPage - 1) / adminPerPage, L: l,
		CatNames: map[string]string{}, Query: exportQuery(c), Filters: filterFields(c.Query)}
	v.Prev, v.Next = pager(c, f.Page, p.Next != "", p.Next)
	for _, x := range store.Statuses {
		v.Statuses = append(v.Statuses, option{Value: x, Label: l.T("status." + x)})
	}
	for _, x := range store.PaymentStatuses {
		v.Payments = append(v.Payments, option{Value: x, Label: l.T("payment." + x)})
	}
	for _, cat := range s.Categories {
		v.Categories = append(v.Categories, option{Value: cat.Code, Label: cat.Name.In(l.Lang)})
		v.CatNames[cat.Code] = cat.Name.In(l.Lang)
	}
	for _, code := range countries {
		v.Countries = append(v.Countries, option{Value: code, Label: l.CountryName(code)})
	}
	col := collate.New(language.Make(l.Lang))
	slices.SortFunc(v.Countries, func(a, b option) int { return col.CompareString(a.Label, b.Label) })
	v.Hotels = append(v.Hotels, option{Value: "none", Label: l.T("register.hotel.own")})
	for _, ht := range s.Hotels {
		v.Hotels = append(v.Hotels, option{Value: ht.Code, Label: ht.Name.In(l.Lang)})
	}
	v.Visits = append(v.Visits, option{Value: "none", Label: l.T("register.visit.none")})
	for _, sv := range s.StudyVisits {
		v.Visits = append(v.Visits, option{Value: sv.Code, Label: sv.Name.In(l.Lang)})
	}
	for _, x := range []string{"newest", "oldest", "name", "country", "status"} {
		v.Sorts = append(v.Sorts, option{Value: x, Label: l.T("admin.list.sort." + x)})
	}
	h.render(c, http.StatusOK, "registrations", l.T("admin.list.title"), v)
}

// bulkConfirmView asks for the reason of a bulk decline and a second
// press naming the count.
type bulkConfirmView struct {
	Count   int
	Refs    []string
	All     bool // the selection is every match of Filters
	Filters map[string]string
	Names   []string // the first few, to recognise the selection
	More    int
	Back    string
	Reason  string
	Error   string
}

// bulkRegistrations approves or rejects the selected registrations (the
// ticked rows, or with "all" every one matching the list's filters), each
// in its own transaction, several at once so that they share commits; the
// ones whose status does not allow it are skipped.
func (h *Handler) bulkRegistrations(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	if err := c.Request.ParseForm(); err != nil {
		h.fail(c, err) // a selection too big for the form is told, never read as none
		return
	}
	d, ok := bulkDecisions[c.PostForm("action")]
	if !ok {
		h.failStatus(c, http.StatusBadRequest, "error.bad_request", nil)
		return
	}
	refs := c.PostFormArray("ref")
	if c.PostForm("page") == "on" { // "select all on this page", with or without script
		refs = append(refs, strings.Fields(c.PostForm("shown"))...)
		slices.Sort(refs)
		refs = slices.Compact(refs)
	}
	all := c.PostForm("all") == "on"
	if all {
		refs = refs[:0]
		f := filterFrom(c.PostForm)
		f.Sort = "oldest"
		err := h.db.EachRegistration(ctx, f, func(r *store.Registration) error {
			refs = append(refs, r.Reference)
			return nil
		})
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	back := c.PostForm("back")
	if u, err := url.Parse(back); err != nil || u.Path != "/admin/registrations" {
		back = "/admin/registrations"
	}
	if len(refs) == 0 {
		h.flash(c, l.T("admin.bulk.none"))
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	reason := strings.TrimSpace(c.PostForm("reason"))
	if d.reason && (c.PostForm("confirm") != "1" || reason == "") {
		// declining tells each delegate why: ask for the reason, and for a
		// second press that names how many
		v := bulkConfirmView{Count: len(refs), Refs: refs, All: all, Back: back, Reason: reason}
		if all {
			v.Filters, v.Refs = filterFields(c.PostForm), nil
		}
		status := http.StatusOK
		if c.PostForm("confirm") == "1" {
			v.Error, status = l.T("error.required"), http.StatusUnprocessableEntity
		}
		for _, ref := range refs[:min(len(refs), 10)] {
			if r, err := h.db.FindRegistration(ctx, ref); err == nil {
				v.Names = append(v.Names, r.FamilyName+", "+r.GivenNames+" ("+r.Reference+")")
			}
		}
		v.More = len(refs) - len(v.Names)
		h.render(c, status, "bulkconfirm", l.T("admin.bulk.confirm_title", len(refs)), v)
		return
	}
	var done, skipped atomic.Int64
	err := inParallel(ctx, len(refs), func(i int) error {
		_, err := d.take(h.db, ctx, caller(c), refs[i], reason)
		switch {
		case err == nil:
			done.Add(1)
		case isConflictOrMissing(err):
			skipped.Add(1)
		default:
			return err
		}
		return nil
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, l.T("admin.bulk."+d.name, int(done.Load()), int(skipped.Load())))
	c.Redirect(http.StatusSeeOther, back)
}

// inParallel runs fn for 0..n-1 from eight goroutines, so that the
// store's group commit shares each fsync among them; the first error
// stops the rest.
func inParallel(ctx context.Context, n int, fn func(i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(i) })
	}
	return g.Wait()
}

func isConflictOrMissing(err error) bool {
	var ce *store.ConflictError
	return err == store.ErrNotFound || asError(err, &ce)
}

// detailView is one registration as organisers see it.
type detailView struct {
	R store.Registration
	labels
	Notes    []store.Note
	Payments []store.Payment
	Messages []store.OutboxMessage
	History  []historyLine
	Errors   map[string]string
	Reason   string
	Note     string
	Letter   bool // a current letter can be downloaded
	// the money: invoices and credit notes, what the fee has had, and
	// (while it is owed) the day to record a transfer on
	Invoices []store.Invoice
	Received store.Received
	Owes     bool
	Today    string
	Refunds  []store.RefundRequest
	// Refundable is set when the fee was paid by card and Stripe is set up.
	Refundable bool
	// Offer is the deadline of an open offer of a place, in venue time.
	Offer string
	// Photo: the category asks for a badge photo; HasPhoto: one is on file.
	Photo, HasPhoto bool
}

func (h *Handler) showRegistration(c *gin.Context) {
	h.renderDetail(c, http.StatusOK, nil, "", "")
}

func (h *Handler) renderDetail(c *gin.Context, status int, ve *store.ValidationError, reason, note string) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	s := h.db.Settings()
	r, err := h.db.FindRegistration(ctx, c.Param("reference"))
	if err == nil { // whoever sees the page looked: written down for the delegate's copy
		err = h.db.Looked(ctx, caller(c), store.AccessRegistration, r.ID, nil)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	v := detailView{R: r, labels: labelsOf(&r, &s, l), Errors: fieldMessages(l, ve), Reason: reason, Note: note}
	if v.Payments, err = h.db.Payments(ctx, r.ID); err == nil {
		if v.Invoices, err = h.db.Invoices(ctx, r.ID); err == nil {
			if v.Received, err = h.db.ReceivedFor(ctx, &r); err == nil {
				v.Refunds, err = h.db.Refunds(ctx, r.ID)
			}
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	v.Owes, v.Today = owes(&r), h.db.Now().In(s.Location()).Format(store.DateLayout)
	if r.OfferUntil != nil {
		v.Offer = l.DateTime(r.OfferUntil.In(s.Location()))
	}
	cat, _ := s.Category(r.Category)
	v.HasPhoto = h.db.HasPhoto(ctx, r.ID)
	v.Photo = cat.Photo || v.HasPhoto
	for _, p := range v.Payments {
		v.Refundable = v.Refundable || (h.pay != nil && p.Method == "card" && p.Kind == store.PaymentPaid && p.ProviderRef != "")
	}
	var history []store.AuditEntry
	if v.Notes, err = h.db.Notes(ctx, r.ID); err == nil {
		if v.Messages, err = h.db.FindOutbox(ctx, store.OutboxFilter{RegistrationID: r.ID}); err == nil {
			history, err = h.db.History(ctx, r.ID)
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	slices.Reverse(history) // newest first, as the messages
	v.History = historyLines(l, &s, history)
	if _, err := h.db.CurrentLetter(ctx, r.ID); err == nil && r.HasPassport {
		v.Letter = true
	}
	h.render(c, status, "registration", r.FullName(), v)
}

func (h *Handler) addNote(c *gin.Context) {
	err := h.db.AddNote(c.Request.Context(), caller(c), c.Param("reference"), c.PostForm("note"))
	var ve *store.ValidationError
	if asError(err, &ve) {
		h.renderDetail(c, http.StatusUnprocessableEntity, ve, "", c.PostForm("note"))
		return
	}
	h.afterChange(c, err, "admin.done.note", "")
}

// afterChange goes back to the registration with a message, or shows why
// the change did not happen.
func (h *Handler) afterChange(c *gin.Context, err error, done, reason string) {
	var ve *store.ValidationError
	switch {
	case err == nil:
		h.flash(c, h.localizer(c).T(done))
		c.Redirect(http.StatusSeeOther, "/admin/registrations/"+c.Param("reference"))
	case asError(err, &ve):
		h.renderDetail(c, http.StatusUnprocessableEntity, ve, reason, "")
	default:
		h.fail(c, err)
	}
}

func (h *Handler) showRegistrationEdit(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	f, err := h.newForm(c, r.Details, &r)
	if err != nil {
		h.fail(c, err)
		return
	}
	f.Action, f.Edit, f.CategoryLocked = "/admin/registrations/"+r.Reference+"/edit", true, false
	h.render(c, http.StatusOK, "register", r.FullName(), f)
}

func (h *Handler) submitRegistrationEdit(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.db.FindRegistration(ctx, c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	d, err := formDetails(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, err := h.db.UpdateRegistration(ctx, caller(c), r.Reference, d); err != nil {
		h.formError(c, "/admin/registrations/"+r.Reference+"/edit", d, &r, err)
		return
	}
	h.flash(c, h.localizer(c).T("manage.saved"))
	c.Redirect(http.StatusSeeOther, "/admin/registrations/"+r.Reference)
}

// pager links to the pages before and after page of the current list,
// keeping its filters; more says whether a next page exists.
// pager links the pages before and after page, when there is more: the
// next one continues after this one's last row where a cursor (after) is
// given, the previous one goes by number.
func pager(c *gin.Context, page int, more bool, after string) (prev, next string) {
	link := func(n int, after string) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		q.Del("after")
		if after != "" {
			q.Set("after", after)
		}
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		prev = link(page-1, "")
	}
	if more {
		next = link(page+1, after)
	}
	return prev, next
}

// sendLink emails the delegate their private link again, as the public
// "lost your link" form does (at most once every ten minutes).
func (h *Handler) sendLink(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	err = h.db.SendLink(c.Request.Context(), caller(c), r.Email)
	if err == nil {
		h.flash(c, h.localizer(c).T("admin.done.link_sent", r.Email))
		c.Redirect(http.StatusSeeOther, "/admin/registrations/"+r.Reference)
		return
	}
	h.fail(c, err)
}

// waitlistAgain puts a delegate who let an offer lapse back in their place
// on the waiting list.
func (h *Handler) waitlistAgain(c *gin.Context) {
	ref := c.Param("reference")
	_, err := h.db.ReturnToWaitingList(c.Request.Context(), caller(c), ref)
	h.afterForm(c, err, h.localizer(c).T("admin.offer.back_done"), "/admin/registrations/"+store.NormalReference(ref))
}

// asDelegate shows the delegate's private page as they see it, in their
// language, without its buttons and without their link.
func (h *Handler) asDelegate(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Set("lang", r.Language) // as they see it, whatever the organiser reads in
	c.Header("Content-Language", r.Language)
	v := h.manageViewOf(c, r)
	v.ReadOnly = true
	v.Notice = h.localizer(c).T("admin.as_delegate.notice")
	h.render(c, http.StatusOK, "manage", h.localizer(c).T("manage.title"), v)
}
