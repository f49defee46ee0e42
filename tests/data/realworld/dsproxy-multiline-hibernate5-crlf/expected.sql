    drop table Application$Usertable if exists
@@@@
    create table "Application$Usertable" (id integer not null, name varchar(255) not null, primary key (id))
@@@@
    insert 
    into
        "Application$Usertable"
        (name,id) 
    values
        (?,?)
@@@@
    drop table Application$Usertable if exists 
