select * from sys_depart where id IN ( select dep_id from sys_user_depart where user_id = ? )
