// Package sheet reads and writes the tables administrators exchange with the
// system as spreadsheets: .xlsx workbooks and .csv files, the latter in UTF-8
// or in the GB18030 that Excel writes on a Chinese Windows.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// MaxRows bounds one table, far above any university's roster.
const MaxRows = 50000

// Table is the first sheet of a file: its header and the rows below it, with
// each row's line number as the spreadsheet shows it (the header is line 1).
type Table struct {
	Header []string
	Rows   [][]string
	Lines  []int
}

// Problem is a file that cannot be read as a table; its message is for people.
type Problem struct{ Message string }

func (p *Problem) Error() string { return p.Message }

func problem(format string, args ...any) error {
	return &Problem{Message: fmt.Sprintf(format, args...)}
}

var (
	zipMagic = []byte("PK\x03\x04")
	// Excel 97–2003 (.xls) files are OLE compound documents.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0}
)

// Read reads a table from an .xlsx or .csv file, telling them apart by content.
// Empty rows are skipped; cells are trimmed.
func Read(r io.Reader) (*Table, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	var rows [][]string
	var err error
	switch {
	case bytes.Equal(head, zipMagic):
		rows, err = readXLSX(br)
	case bytes.Equal(head, oleMagic):
		return nil, problem("不支持 Excel 97-2003 (.xls) 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入")
	default:
		rows, err = readCSV(br)
	}
	if err != nil {
		return nil, err
	}
	t := &Table{}
	for i, row := range rows {
		for j := range row {
			row[j] = strings.TrimSpace(row[j])
		}
		if strings.Join(row, "") == "" {
			continue
		}
		if t.Header == nil {
			t.Header = row
			continue
		}
		if len(t.Rows) == MaxRows {
			return nil, problem("文件超过 %d 行，请分批导入", MaxRows)
		}
		t.Rows = append(t.Rows, row)
		t.Lines = append(t.Lines, i+1)
	}
	if t.Header == nil {
		return nil, problem("文件是空的：第一行应为表头")
	}
	return t, nil
}

// MaxUnzipped bounds what an uploaded workbook may unpack to.
const MaxUnzipped = 64 << 20

func readXLSX(r io.Reader) ([][]string, error) {
	// A spreadsheet is a zip: what it may unpack to is bounded, so that a small upload cannot expand
	// to gigabytes in memory (excelize's own limit is 16 GB).
	book, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true, UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped / 2})
	if err != nil {
		return nil, problem("无法读取 Excel 文件，请确认文件是 .xlsx 格式且未加密")
	}
	defer book.Close()
	sheets := book.GetSheetList()
	if len(sheets) == 0 {
		return nil, problem("Excel 文件中没有工作表")
	}
	rows, err := book.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, problem("无法读取工作表“%s”", sheets[0])
	}
	return rows, nil
}

func readCSV(r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		// Excel on a Chinese Windows saves "CSV" in GB18030.
		if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
			return nil, problem("无法识别 CSV 文件的编码，请另存为 UTF-8 编码")
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	firstLine, _, _ := strings.Cut(string(data), "\n")
	if strings.Count(firstLine, "\t") > strings.Count(firstLine, ",") {
		cr.Comma = '\t'
	}
	rows, err := cr.ReadAll()
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return nil, problem("CSV 文件第 %d 行格式不正确（引号不成对？）", perr.Line)
	}
	return rows, err
}

// Columns finds the header's columns by name. Each wanted column lists the
// names it may go by; the answer maps the first name to its index, -1 when
// the file has none of them.
func (t *Table) Columns(wanted [][]string) map[string]int {
	at := make(map[string]int, len(wanted))
	for _, names := range wanted {
		at[names[0]] = -1
		for i, h := range t.Header {
			if containsFold(names, h) {
				at[names[0]] = i
				break
			}
		}
	}
	return at
}

func containsFold(names []string, s string) bool {
	for _, n := range names {
		if strings.EqualFold(n, s) {
			return true
		}
	}
	return false
}

// Cell is a row's value in a column, "" when the column or the cell is missing.
func Cell(row []string, col int) string {
	if col < 0 || col >= len(row) {
		return ""
	}
	return row[col]
}

// WriteXLSX writes a one-sheet workbook with a bold header row.
func WriteXLSX(w io.Writer, sheetName string, header []string, rows [][]string) error {
	book := excelize.NewFile()
	defer book.Close()
	if err := book.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	sw, err := book.NewStreamWriter(sheetName)
	if err != nil {
		return err
	}
	bold, err := book.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(header), 16); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for i, row := range rows {
		// Every value is text, so that numbers such as 学号 keep their leading zeros.
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return book.Write(w)
}

// WriteCSV writes a UTF-8 CSV with the byte-order mark Excel needs to read it as UTF-8.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\xEF\xBB\xBF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
