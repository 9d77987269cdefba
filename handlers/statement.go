package handlers

// The bank statement: finance uploads the bank's CSV, sees each credit
// matched to the registration its text quotes, and records the ones they
// tick in one go.

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// statementView is the statement page: the columns, and once a statement
// is read, its lines matched.
type statementView struct {
	Columns store.StatementColumns
	Matches []store.Match
	Errors  map[string]string
	Counts  map[string]int // lines by status
}

func (h *Handler) showStatement(c *gin.Context) {
	cols := h.db.Settings().StatementColumns
	if cols.Date == "" {
		cols = store.StatementColumns{Date: "Date", Amount: "Amount", Text: "Description"}
	}
	h.render(c, http.StatusOK, "statement", h.localizer(c).T("statement.title"), statementView{Columns: cols})
}

// submitStatement reads an uploaded statement with the columns given
// (kept in the settings for next time) and shows each line matched.
func (h *Handler) submitStatement(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	v := statementView{Columns: store.StatementColumns{Date: c.PostForm("columns.date"), Amount: c.PostForm("columns.amount"),
		Currency: c.PostForm("columns.currency"), Text: c.PostForm("columns.text"), BankRef: c.PostForm("columns.bank_ref")}}
	fail := func(err error) {
		var ve *store.ValidationError
		if !asError(err, &ve) {
			h.fail(c, err)
			return
		}
		v.Errors = fieldMessages(l, ve)
		h.render(c, http.StatusUnprocessableEntity, "statement", l.T("statement.title"), v)
	}
	file, _, err := c.Request.FormFile("statement")
	if err != nil {
		fail(&store.ValidationError{Fields: map[string]store.Message{"statement": {Key: "error.statement_empty"}}})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, store.MaxStatementBytes+1))
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(data) > store.MaxStatementBytes {
		fail(&store.ValidationError{Fields: map[string]store.Message{"statement": {Key: "error.note_size", Args: []any{store.MaxStatementBytes >> 20}}}})
		return
	}
	s := h.db.Settings()
	lines, err := store.ReadStatement(data, v.Columns, s.Currency)
	if err != nil {
		fail(err)
		return
	}
	if s.StatementColumns != v.Columns {
		s.StatementColumns = v.Columns
		if _, err := h.db.UpdateSettings(ctx, caller(c), s); err != nil {
			h.fail(c, err)
			return
		}
	}
	if v.Matches, err = h.db.MatchStatement(ctx, lines); err != nil {
		h.fail(c, err)
		return
	}
	v.Counts = map[string]int{}
	for _, m := range v.Matches {
		v.Counts[m.Status]++
	}
	h.render(c, http.StatusOK, "statement", l.T("statement.title"), v)
}

// confirmStatement records the lines ticked as transfers, each checked
// again as it is recorded; a line that pays several fees is split among
// them, all or none.
func (h *Handler) confirmStatement(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	recorded, refused := 0, 0
	for _, i := range c.PostFormArray("take") {
		p := "lines." + i + "."
		amount, err := strconv.ParseInt(c.PostForm(p+"amount"), 10, 64)
		if err != nil {
			refused++
			continue
		}
		t := store.Transfer{Amount: amount, Currency: c.PostForm(p + "currency"), Date: c.PostForm(p + "date"), BankRef: c.PostForm(p + "bank_ref")}
		if refs := strings.Fields(c.PostForm(p + "reference")); len(refs) > 1 {
			err = h.db.RecordTransfers(ctx, caller(c), refs, t)
		} else {
			_, _, err = h.db.RecordTransfer(ctx, caller(c), c.PostForm(p+"reference"), t)
		}
		if err != nil {
			refused++
			h.log.Warn("statement line not recorded", "reference", c.PostForm(p+"reference"), "err", err)
			continue
		}
		recorded++
	}
	h.flash(c, l.T("statement.recorded", recorded, refused))
	c.Redirect(http.StatusSeeOther, "/admin/finance/statement")
}
