SELECT * FROM board
@@@@
SELECT * FROM board ORDER BY reg_date DESC
@@@@
SELECT * FROM board WHERE reg_user IN ( ? , ? )
@@@@
SELECT * FROM board WHERE title LIKE CONCAT('%', ?, '%')
