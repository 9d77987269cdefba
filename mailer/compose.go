// Package mailer writes the messages delegates receive and sends the outbox.
package mailer

import (
	"bytes"
	htmlstd "html"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"

	"delegate/i18n"
	"delegate/store"
	"delegate/templates"
)

// Composer writes a delegate's message in their language from the email
// templates and the catalogs. It satisfies store.Composer.
type Composer struct {
	baseURL string
	text    *texttemplate.Template
	html    *htmltemplate.Template

	// cache keeps each message as rendered for a kind of delegate, with
	// stand-ins for the name and reference: most messages differ only in
	// those (and in the link's secret, which no message holds).
	cache sync.Map // cacheKey → store.Email
}

// cacheKey is everything but the name and reference that a message
// depends on.
type cacheKey struct {
	kind, lang, status, category, payment, currency string
	fee                                             int64
	excellency                                      bool  // greeted as H.E.
	settings                                        int64 // version: UpdatedAt
}

// Stand-ins rendered into cached messages, replaced per delegate.
const (
	nameMark = "__delegate_name__"
	refMark  = "__delegate_reference__"
)

// NewComposer parses the email templates; links point at baseURL.
func NewComposer(baseURL string) (*Composer, error) {
	text, err := texttemplate.ParseFS(templates.FS, "email/message.txt")
	if err != nil {
		return nil, err
	}
	html, err := htmltemplate.ParseFS(templates.FS, "email/message.html")
	if err != nil {
		return nil, err
	}
	return &Composer{baseURL: strings.TrimRight(baseURL, "/"), text: text, html: html}, nil
}

type message struct {
	L          *i18n.Localizer
	Subject    string
	Conference string
	Greeting   string
	Body       string
	Paragraphs []string // the body, split at blank lines, for HTML
	Reason     string
	Reference  string
	Status     string
	Category   string
	Fee        string
	Next       string
	Link       string
	LinkLabel  string // what the link is for, when not the private page
	LinkButton string
	Team       string
	Contact    store.Contact
}

// Compose writes the message of kind for r. The private link is written
// with store.TokenPlaceholder; r.ManageToken is never read.
func (c *Composer) Compose(kind string, r *store.Registration, s *store.Settings) (store.Email, error) {
	if reason(kind, r) != "" || kind == store.MailOffer {
		return c.compose(kind, r, s) // the organisers' note or the deadline makes it unique
	}
	key := cacheKey{kind, r.Language, r.Status, r.Category, r.PaymentStatus, r.Fee.Currency, r.Fee.Amount,
		r.Title == "H.E.", s.UpdatedAt.UnixNano()}
	e, ok := c.cache.Load(key)
	if !ok {
		marked := *r
		marked.GivenNames, marked.FamilyName, marked.Reference = nameMark, "", refMark
		fresh, err := c.compose(kind, &marked, s)
		if err != nil {
			return store.Email{}, err
		}
		e, _ = c.cache.LoadOrStore(key, fresh)
	}
	return personal(e.(store.Email), r), nil
}

// personal puts a delegate's name and reference into a cached message,
// escaped for HTML in the HTML part.
func personal(e store.Email, r *store.Registration) store.Email {
	fill := func(s, name string) string {
		s = strings.ReplaceAll(s, nameMark, name)
		return strings.ReplaceAll(s, refMark, r.Reference)
	}
	name := displayName(r)
	return store.Email{Subject: fill(e.Subject, name), Text: fill(e.Text, name), HTML: fill(e.HTML, htmlstd.EscapeString(name))}
}

func (c *Composer) compose(kind string, r *store.Registration, s *store.Settings) (store.Email, error) {
	m := c.base(kind, r, s)
	m.Reason = reason(kind, r)
	switch {
	case kind == store.MailDatesChanged:
		m.Subject = m.L.T("email."+kind+".subject", s.ShortName, m.L.DateRange(s.Start(), s.End()))
	case kind == store.MailOffer && r.OfferUntil != nil:
		city := s.City.In(m.L.Lang)
		m.Body = m.L.T("email.offer.body", m.Conference, city, m.L.DateRange(s.Start(), s.End()),
			m.L.DateTime(r.OfferUntil.In(s.Location())))
	}
	return c.render(m)
}

// greeting opens a message: "Dear José Núñez,", and for a head of
// delegation or minister (H.E.) the form of address protocol asks for.
func greeting(l *i18n.Localizer, r *store.Registration) string {
	if r.Title == "H.E." {
		return l.T("email.greeting_excellency") // "Your Excellency," names no one
	}
	return l.T("email.greeting", displayName(r))
}

// displayName is the name a message greets: in its own script, with its
// Latin form after it where the two differ (王伟 (Wang Wei)).
func displayName(r *store.Registration) string {
	name := r.FullName()
	if !store.Drawable(name) && r.BadgeName != "" {
		return name + " (" + r.BadgeName + ")"
	}
	return name
}

// reason is the organisers' note a message of kind carries, if any.
func reason(kind string, r *store.Registration) string {
	switch kind {
	case store.MailRejected, store.MailCancelled:
		return r.StatusReason
	case store.MailLetterRefused:
		return r.LetterReason
	}
	return ""
}

// ComposeMessage wraps an organisers' message for r: their subject and
// body, then the delegate's reference, link and the secretariat.
func (c *Composer) ComposeMessage(r *store.Registration, s *store.Settings, subject, body string) (store.Email, error) {
	m := c.base(store.MailMessage, r, s)
	m.Subject = strings.TrimSpace(subject)
	m.Body, m.Next = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n")), ""
	return c.render(m)
}

// ComposeFocalLink writes a focal point's sign-in link, in lang, naming
// the delegations it signs in for.
func (c *Composer) ComposeFocalLink(lang string, s *store.Settings, delegations []string) (store.Email, error) {
	l := i18n.For(lang)
	name := s.Name.In(l.Lang)
	return c.render(message{
		L:          l,
		Subject:    l.T("email.focal_link.subject", s.ShortName),
		Conference: name,
		Greeting:   l.T("email.focal_link.greeting"),
		Body:       l.T("email.focal_link.body", name, strings.Join(delegations, "; ")),
		Link:       c.baseURL + "/focal/auth?token=" + store.FocalTokenPlaceholder,
		LinkLabel:  l.T("email.focal_link.link"),
		LinkButton: l.T("email.focal_link.button"),
		Team:       l.T("email.team", s.ShortName),
		Contact:    s.Secretariat,
	})
}

// ComposeNotice writes a notice to someone without a registration (one
// who asked for a delegation), in lang.
func (c *Composer) ComposeNotice(lang string, s *store.Settings, key, name string, args ...any) (store.Email, error) {
	l := i18n.For(lang)
	greeting := l.T("email.notice.greeting")
	if name != "" {
		greeting = l.T("email.notice.greeting_name", name)
	}
	return c.render(message{
		L:          l,
		Subject:    l.T("email."+key+".subject", s.ShortName),
		Conference: s.Name.In(l.Lang),
		Greeting:   greeting,
		Body:       l.T("email."+key+".body", args...),
		Team:       l.T("email.team", s.ShortName),
		Contact:    s.Secretariat,
	})
}

// base fills what every message of kind for r has.
func (c *Composer) base(kind string, r *store.Registration, s *store.Settings) message {
	l := i18n.For(r.Language)
	name := s.Name.In(l.Lang)
	m := message{
		L:          l,
		Subject:    l.T("email."+kind+".subject", s.ShortName, r.Reference),
		Conference: name,
		Greeting:   greeting(l, r),
		Body:       l.T("email."+kind+".body", name, s.City.In(l.Lang), l.DateRange(s.Start(), s.End())),
		Reference:  r.Reference,
		Status:     l.T("status." + r.Status),
		Next:       l.T("email." + kind + ".next"),
		Link:       c.baseURL + "/r/" + store.TokenPlaceholder,
		Team:       l.T("email.team", s.ShortName),
		Contact:    s.Secretariat,
	}
	if cat, ok := s.Category(r.Category); ok {
		m.Category = cat.Name.In(l.Lang)
	}
	if r.Fee.Amount > 0 {
		m.Fee = l.Money(r.Fee.Amount, r.Fee.Currency) + " (" + l.T("payment."+r.PaymentStatus) + ")"
	}
	return m
}

func (c *Composer) render(m message) (store.Email, error) {
	// a subject is one line, whatever was typed into it
	m.Subject = strings.Join(strings.Fields(m.Subject), " ")
	for _, p := range strings.Split(m.Body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			m.Paragraphs = append(m.Paragraphs, p)
		}
	}
	var text, html bytes.Buffer
	if err := c.text.Execute(&text, m); err != nil {
		return store.Email{}, err
	}
	if err := c.html.Execute(&html, m); err != nil {
		return store.Email{}, err
	}
	return store.Email{Subject: m.Subject, Text: text.String(), HTML: html.String()}, nil
}
