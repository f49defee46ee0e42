select * from INFORMATION_SCHEMA.SEQUENCES;
@@@@
drop table if exists movies CASCADE ;
@@@@
drop sequence if exists hibernate_sequence;
@@@@
create sequence hibernate_sequence start with 1 increment by 1;
@@@@
create table movies (id bigint not null, name varchar(255), rank bigint not null, rating double not null, primary key (id));
@@@@
call next value for hibernate_sequence;
@@@@
call next value for hibernate_sequence;
@@@@
call next value for hibernate_sequence;
@@@@
insert into movies (name, rank, rating, id) values ('The Shawshank Redemption', 1, 9.3, 1);
@@@@
insert into movies (name, rank, rating, id) values ('The Godfather', 2, 9.2, 2);
@@@@
insert into movies (name, rank, rating, id) values ('The Dark Knight', 3, 9.0, 3);
@@@@
select movie0_.id as id1_0_, movie0_.name as name2_0_, movie0_.rank as rank3_0_, movie0_.rating as rating4_0_ from movies movie0_;
