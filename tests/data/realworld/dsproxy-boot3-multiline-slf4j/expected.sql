select * from information_schema.sequences
@@@@
drop table if exists user cascade 
@@@@
drop sequence user_seq if exists
@@@@
create sequence user_seq start with 1 increment by 50
@@@@
create table user (id integer not null, name varchar(255), primary key (id))
@@@@
call next value for user_seq
@@@@
call next value for user_seq
@@@@
insert into user (name,id) values (?,?)
@@@@
select count(*) from user u1_0
@@@@
drop table if exists user cascade 
@@@@
drop sequence user_seq if exists
