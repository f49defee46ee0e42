SELECT * FROM T_USER_INFO WHERE email = ?
@@@@
SELECT * FROM T_USER_INFO WHERE user_id = ?
@@@@
SELECT * FROM T_DIARY WHERE user_id = ?
@@@@
SELECT * FROM T_USER_INFO WHERE email = ?
@@@@
SELECT * FROM T_USER_INFO WHERE user_id = ?
@@@@
SELECT * FROM T_DIARY WHERE user_id = ?
@@@@
SELECT * FROM T_USER_INFO WHERE email = ?
@@@@
SELECT * FROM T_USER_INFO WHERE user_id = ?
@@@@
SELECT * FROM T_DIARY WHERE user_id = ?
@@@@
SELECT * FROM T_USER_INFO WHERE email = ?
@@@@
SELECT * FROM T_USER_INFO WHERE user_id = ?
@@@@
SELECT * FROM T_DIARY WHERE user_id = ?
