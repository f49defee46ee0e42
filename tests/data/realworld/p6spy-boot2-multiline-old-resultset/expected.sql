select * from TEST where id = ?
@@@@
select * from TEST where id = 1;
