SELECT count(0) FROM dict_mould a
@@@@
SELECT * FROM dict_mould a order by id ASC LIMIT ?
