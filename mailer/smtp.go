package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"delegate/store"
)

// Outgoing is one message to hand to the mail server.
type Outgoing struct {
	MessageID string
	To        string
	ToName    string
	Language  string
	store.Email
}

// Sender hands messages to a mail server. Send returns one error per
// message, nil where the server accepted it.
type Sender interface {
	Send(ctx context.Context, batch []Outgoing) []error
}

// SMTP sends through a mail server with go-mail, one connection a batch.
type SMTP struct {
	host     string
	opts     []mail.Option
	fromName string
	fromAddr string
}

// NewSMTP reads a DELEGATE_SMTP_URL: smtp://user:pass@host:587 (STARTTLS
// required), smtps://user:pass@host:465 (TLS from the start) or
// smtp://host:1025?tls=none (no TLS, for a local relay or a test server).
// from is the sender, "Name <address>".
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("DELEGATE_SMTP_URL %q: want smtp://user:pass@host:587, smtps://host:465 or smtp://host:1025?tls=none", redact(rawURL))
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("DELEGATE_MAIL_FROM %q: %w", from, err)
	}
	s := &SMTP{host: u.Hostname(), fromName: addr.Name, fromAddr: addr.Address}
	port := 587
	switch {
	case u.Scheme == "smtps":
		port = 465
		s.opts = append(s.opts, mail.WithSSL())
	case u.Scheme == "smtp" && u.Query().Get("tls") == "none":
		s.opts = append(s.opts, mail.WithTLSPolicy(mail.NoTLS))
	case u.Scheme == "smtp":
		s.opts = append(s.opts, mail.WithTLSPolicy(mail.TLSMandatory))
	default:
		return nil, fmt.Errorf("DELEGATE_SMTP_URL: unknown scheme %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("DELEGATE_SMTP_URL: port %q", p)
		}
	}
	s.opts = append(s.opts, mail.WithPort(port), mail.WithTimeout(30*time.Second))
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		s.opts = append(s.opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	return s, nil
}

// redact hides a password in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable)"
	}
	return u.Redacted()
}

// Send delivers a batch over one connection.
func (s *SMTP) Send(ctx context.Context, batch []Outgoing) []error {
	errs := make([]error, len(batch))
	fill := func(err error) []error {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	client, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return fill(err)
	}
	if err := client.DialWithContext(ctx); err != nil {
		return fill(err)
	}
	defer client.Close()
	for i, o := range batch {
		msg, err := s.message(o)
		if err != nil {
			errs[i] = permanent{err}
			continue
		}
		errs[i] = client.Send(msg)
	}
	return errs
}

// headerText keeps a header value on one line.
func headerText(s string) string { return strings.Join(strings.Fields(s), " ") }

func (s *SMTP) message(o Outgoing) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.FromFormat(headerText(s.fromName), s.fromAddr); err != nil {
		return nil, err
	}
	if err := m.AddToFormat(headerText(o.ToName), o.To); err != nil {
		return nil, err
	}
	m.Subject(headerText(o.Subject))
	m.SetMessageIDWithValue(o.MessageID)
	m.SetDate()
	m.SetGenHeader(mail.HeaderContentLang, o.Language)
	m.SetBodyString(mail.TypeTextPlain, o.Text)
	m.AddAlternativeString(mail.TypeTextHTML, o.HTML)
	for _, a := range o.Attachments {
		if err := m.AttachReader(a.Name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// permanent marks an error that no retry will cure.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Temporary reports whether a delivery error is worth retrying: a server
// that cannot be reached, a timeout or a 4xx answer. A 5xx answer, such
// as an unknown mailbox, is final.
func Temporary(err error) bool {
	var p permanent
	if errors.As(err, &p) {
		return false
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		if code := se.ErrorCode(); code >= 500 && code < 600 {
			return false
		}
		if code := se.ErrorCode(); code >= 400 && code < 500 {
			return true
		}
		return se.IsTemp() || se.ErrorCode() == 0
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return true // unknown: trying again later is the safe side
}
