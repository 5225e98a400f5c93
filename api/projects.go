package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"outbound/storage"
	"outbound/workflows"
)

// newFor is how long a project carries the "New" marker.
const newFor = 14 * 24 * time.Hour

// IncompleteHint is the manual's words when the profile is not complete.
const IncompleteHint = "如看不到项目信息，请完善左边菜单“个人中心”-“我的个人资料”中的信息。"

// listProjects is 校际交流项目申请: 智能搜索 and 项目年度. Students see
// published projects, and only once their profile is complete.
func (s *Server) listProjects(c *gin.Context) {
	limit, offset, pageNo := page(c)
	q := c.Query("q")
	if len([]rune(q)) > 100 {
		fail(c, errInvalid(map[string]string{"q": "搜索内容不能超过100个字"}))
		return
	}
	year, _ := strconv.Atoi(c.Query("year"))
	f := storage.ProjectFilter{Query: q, Year: year, Limit: limit, Offset: offset}
	answer := gin.H{"page": pageNo, "pageSize": limit}
	if role(c) == workflows.RoleStudent {
		f.PublishedOnly = true
		_, _, missing, ok := s.loadProfile(c)
		if !ok {
			return
		}
		if len(missing) > 0 {
			answer["items"], answer["total"], answer["hint"], answer["missing"] = []gin.H{}, 0, IncompleteHint, missing
			c.JSON(http.StatusOK, answer)
			return
		}
	}
	list, err := s.Store.Projects(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	years, err := s.Store.ProjectYears(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	now := time.Now()
	items := make([]gin.H, len(list.Items))
	for i := range list.Items {
		p := &list.Items[i]
		items[i] = gin.H{"no": offset + i + 1, "project": p, "new": now.Sub(p.CreatedAt) < newFor, "open": p.WindowOpen(now)}
	}
	answer["items"], answer["total"], answer["years"] = items, list.Total, years
	c.JSON(http.StatusOK, answer)
}

func (s *Server) getProject(c *gin.Context) {
	id, ok := pathID(c, "pid")
	if !ok {
		return
	}
	p, err := s.Store.ProjectByID(c.Request.Context(), id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && role(c) == workflows.RoleStudent && (!p.Published || !p.Active)) {
		fail(c, errNotFound("项目"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	now := time.Now()
	reqs := make([]gin.H, len(p.Requirements))
	for i, r := range p.Requirements {
		reqs[i] = gin.H{"requirement": r, "formatsLabel": strings.Join(r.Formats, ","), "sizeLabel": "最大" + limitLabel(r.MaxBytes)}
	}
	c.JSON(http.StatusOK, gin.H{"project": p, "requirements": reqs, "open": p.WindowOpen(now), "new": now.Sub(p.CreatedAt) < newFor})
}

func (s *Server) listNotifications(c *gin.Context) {
	items, err := s.Store.Notifications(c.Request.Context(), account(c).ID, 50)
	if err != nil {
		fail(c, err)
		return
	}
	unread := 0
	for _, n := range items {
		if n.ReadAt == nil {
			unread++
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "unread": unread})
}

func (s *Server) readNotification(c *gin.Context) {
	id, ok := pathID(c, "nid")
	if !ok {
		return
	}
	if err := s.Store.MarkNotificationRead(c.Request.Context(), account(c).ID, id); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
